#include "tests/pacs/FakeGetPeer.h"

#include <chrono>
#include <cstring>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

namespace lrclr::test {

namespace {

/// Accepts the C-GET context and CR storage; true when the association proposed C-GET.
bool acceptContexts(T_ASC_Association* association)
{
    const char* uncompressed[] = { UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax };
    const char* queries[] = { UID_GETStudyRootQueryRetrieveInformationModel };
    const char* storage[] = { UID_ComputedRadiographyImageStorage };
    ASC_acceptContextsWithPreferredTransferSyntaxes(association->params, queries, 1, uncompressed, 2);
    ASC_acceptContextsWithPreferredTransferSyntaxes(association->params, storage, 1, uncompressed, 2, ASC_SC_ROLE_SCP);
    return ASC_findAcceptedPresentationContextID(association, UID_GETStudyRootQueryRetrieveInformationModel) != 0;
}

DcmDataset instanceDataset(const FakeGetPeer::Instance& instance)
{
    DcmDataset dataset;
    dataset.putAndInsertString(DCM_SOPClassUID, UID_ComputedRadiographyImageStorage);
    dataset.putAndInsertString(DCM_SOPInstanceUID, instance.sopInstanceUid.c_str());
    dataset.putAndInsertString(DCM_StudyInstanceUID, instance.studyInstanceUid.c_str());
    dataset.putAndInsertString(DCM_PatientID, "FAKE");
    dataset.putAndInsertString(DCM_Modality, "CR");
    return dataset;
}

} // namespace

FakeGetPeer::FakeGetPeer(int port, std::vector<Instance> instances)
    : m_instances(std::move(instances))
    , m_statuses(m_instances.size(), -1)
{
    m_thread = std::thread([this, port] { serve(port); });
}

FakeGetPeer::~FakeGetPeer()
{
    m_done.store(true);
    if (m_thread.joinable())
        m_thread.join();
}

std::vector<int> FakeGetPeer::storeStatuses()
{
    if (m_thread.joinable())
        m_thread.join();
    return m_statuses;
}

void FakeGetPeer::serve(int port)
{
    T_ASC_Network* network = nullptr;
    if (ASC_initializeNetwork(NET_ACCEPTOR, port, 5, &network).bad())
        return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool served = false;
    while (!served && !m_done.load() && std::chrono::steady_clock::now() < deadline) {
        T_ASC_Association* association = nullptr;
        const OFCondition received = ASC_receiveAssociation(
            network, &association, ASC_DEFAULTMAXPDU, nullptr, nullptr, OFFalse, DUL_NOBLOCK, 1);
        if (received.good()) {
            if (acceptContexts(association) && ASC_acknowledgeAssociation(association).good()) {
                serveGet(association);
                served = true;
            } else {
                T_ASC_RejectParameters reject { ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
                    ASC_REASON_SU_NOREASON };
                ASC_rejectAssociation(association, &reject);
            }
            ASC_dropSCPAssociation(association);
        }
        ASC_destroyAssociation(&association);
    }
    ASC_dropNetwork(&network);
}

void FakeGetPeer::serveGet(void* opaque)
{
    auto* association = static_cast<T_ASC_Association*>(opaque);
    T_ASC_PresentationContextID context = 0;
    T_DIMSE_Message request;
    std::memset(&request, 0, sizeof(request));
    if (DIMSE_receiveCommand(association, DIMSE_BLOCKING, 0, &context, &request, nullptr).bad()
        || request.CommandField != DIMSE_C_GET_RQ)
        return;
    DcmDataset* keys = nullptr;
    DIMSE_receiveDataSetInMemory(association, DIMSE_BLOCKING, 0, &context, &keys, nullptr, nullptr);
    delete keys;
    const T_ASC_PresentationContextID storeContext
        = ASC_findAcceptedPresentationContextID(association, UID_ComputedRadiographyImageStorage);
    for (std::size_t i = 0; i < m_instances.size(); ++i) {
        DcmDataset dataset = instanceDataset(m_instances[i]);
        T_DIMSE_C_StoreRQ store;
        std::memset(&store, 0, sizeof(store));
        store.MessageID = static_cast<DIC_US>(100 + i);
        OFStandard::strlcpy(store.AffectedSOPClassUID, UID_ComputedRadiographyImageStorage, sizeof(DIC_UI));
        OFStandard::strlcpy(store.AffectedSOPInstanceUID, m_instances[i].sopInstanceUid.c_str(), sizeof(DIC_UI));
        store.DataSetType = DIMSE_DATASET_PRESENT;
        store.Priority = DIMSE_PRIORITY_MEDIUM;
        T_DIMSE_C_StoreRSP response;
        std::memset(&response, 0, sizeof(response));
        DcmDataset* detail = nullptr;
        if (DIMSE_storeUser(association, storeContext, &store, nullptr, &dataset, nullptr, nullptr, DIMSE_BLOCKING, 0,
                &response, &detail)
                .bad())
            return;
        delete detail;
        m_statuses[i] = response.DimseStatus;
    }
    T_DIMSE_C_GetRSP final;
    std::memset(&final, 0, sizeof(final));
    final.DimseStatus = STATUS_Success;
    final.NumberOfCompletedSubOperations = static_cast<DIC_US>(m_instances.size());
    final.opts = O_GET_NUMBEROFCOMPLETEDSUBOPERATIONS;
    DIMSE_sendGetResponse(association, context, &request.msg.CGetRQ, &final, nullptr, nullptr);
    // The client releases the association after the final answer.
    T_DIMSE_Message release;
    std::memset(&release, 0, sizeof(release));
    if (DIMSE_receiveCommand(association, DIMSE_BLOCKING, 10, &context, &release, nullptr) == DUL_PEERREQUESTEDRELEASE)
        ASC_acknowledgeRelease(association);
}

} // namespace lrclr::test
