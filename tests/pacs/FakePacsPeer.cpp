#include "tests/pacs/FakePacsPeer.h"

#include <atomic>
#include <chrono>
#include <string>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scp.h>

namespace lrclr::test {

class FakePacsPeer::Scp : public DcmSCP {
public:
    Scp(Behaviour behaviour, int port, int matchCount)
        : m_behaviour(behaviour)
        , m_matchCount(matchCount)
    {
        getConfig().setPort(static_cast<Uint16>(port));
        getConfig().setAETitle("FAKE");
        getConfig().setConnectionBlockingMode(DUL_NOBLOCK);
        getConfig().setConnectionTimeout(1);
        OFList<OFString> syntaxes;
        syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
        syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
        getConfig().addPresentationContext(UID_VerificationSOPClass, syntaxes);
        getConfig().addPresentationContext(UID_FINDStudyRootQueryRetrieveInformationModel, syntaxes);
    }

    OFCondition handleIncomingCommand(T_DIMSE_Message* message, const DcmPresentationContextInfo& context) override
    {
        m_commandSeen.store(true);
        if (m_behaviour == Behaviour::FloodFindMatches) {
            // The C-CANCEL that arrives after the flood is ignored, as the flood ignored it.
            return message->CommandField == DIMSE_C_FIND_RQ ? flood(message->msg.CFindRQ, context.presentationContextID)
                                                            : EC_Normal;
        }
        for (int i = 0; i < 600 && !m_release.load(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return EC_Normal;
    }
    OFBool stopAfterConnectionTimeout() override { return m_release.load(); }
    OFBool stopAfterCurrentAssociation() override { return OFTrue; }

    void release() { m_release.store(true); }
    bool commandSeen() const { return m_commandSeen.load(); }
    int matchesSent() const { return m_matchesSent.load(); }

private:
    OFCondition flood(T_DIMSE_C_FindRQ& request, T_ASC_PresentationContextID context)
    {
        DcmDataset* keys = nullptr;
        OFCondition status = receiveFINDRequest(request, context, keys);
        delete keys;
        if (status.bad())
            return status;
        for (int i = 0; i < m_matchCount && !m_release.load(); ++i) {
            DcmDataset match;
            match.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
            match.putAndInsertString(
                DCM_StudyInstanceUID, ("1.2.826.0.1.3680043.10.543.9." + std::to_string(i + 1)).c_str());
            match.putAndInsertString(DCM_PatientID, "FLOOD");
            status = sendFINDResponse(
                context, request.MessageID, request.AffectedSOPClassUID, &match, STATUS_Pending, nullptr);
            if (status.bad())
                return status;
            ++m_matchesSent;
        }
        return sendFINDResponse(
            context, request.MessageID, request.AffectedSOPClassUID, nullptr, STATUS_Success, nullptr);
    }

    Behaviour m_behaviour;
    int m_matchCount = 0;
    std::atomic<bool> m_release { false };
    std::atomic<bool> m_commandSeen { false };
    std::atomic<int> m_matchesSent { 0 };
};

FakePacsPeer::FakePacsPeer(Behaviour behaviour, int port, int matchCount)
    : m_scp(std::make_unique<Scp>(behaviour, port, matchCount))
{
    m_thread = std::thread([scp = m_scp.get()] { scp->listen(); });
}

FakePacsPeer::~FakePacsPeer()
{
    m_scp->release();
    m_thread.join();
}

bool FakePacsPeer::commandSeen() const
{
    return m_scp->commandSeen();
}

int FakePacsPeer::matchesSent() const
{
    return m_scp->matchesSent();
}

} // namespace lrclr::test
