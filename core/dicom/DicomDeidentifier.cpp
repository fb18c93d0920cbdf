#include "core/dicom/DicomDeidentifier.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRandomGenerator>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>

#include "core/dicom/DicomLibrary.h"
#include "core/dicom/internal/ConfidentialityProfileTable.h"
#include "core/dicom/internal/DeidentificationRules.h"
#include "core/dicom/internal/DicomPreScanner.h"
#include "core/dicom/internal/IdentityScrubber.h"
#include "core/dicom/internal/UidRemapper.h"

namespace lrclr {

namespace {

using internal::DeidentificationAction;

constexpr int maximumSequenceDepth = 64;

std::uint32_t tagOf(const DcmElement& element)
{
    const DcmTag& tag = element.getTag();
    return (static_cast<std::uint32_t>(tag.getGroup()) << 16) | tag.getElement();
}

std::string randomKey()
{
    const quint64 parts[2] = { QRandomGenerator::system()->generate64(), QRandomGenerator::system()->generate64() };
    return QByteArray(reinterpret_cast<const char*>(parts), sizeof(parts)).toHex().toStdString();
}

/// A value for D that is consistent with the VR and carries no identity.
std::string dummyValue(DcmEVR vr)
{
    switch (vr) {
    case EVR_DA:
        return "19000101";
    case EVR_TM:
        return "000000";
    case EVR_DT:
        return "19000101000000";
    case EVR_AS:
        return "000Y";
    case EVR_DS:
    case EVR_IS:
        return "0";
    case EVR_PN:
        return "ANONYMOUS";
    case EVR_AE:
    case EVR_CS:
    case EVR_SH:
        return "ANONYMIZED";
    default:
        return "ANONYMIZED";
    }
}

bool isText(DcmEVR vr)
{
    switch (vr) {
    case EVR_LO:
    case EVR_LT:
    case EVR_SH:
    case EVR_ST:
    case EVR_UT:
    case EVR_UC:
    case EVR_PN:
        return true;
    default:
        return false;
    }
}

bool isStringValued(DcmEVR vr)
{
    return isText(vr) || vr == EVR_DA || vr == EVR_TM || vr == EVR_DT || vr == EVR_AS || vr == EVR_DS || vr == EVR_IS
        || vr == EVR_AE || vr == EVR_CS || vr == EVR_UI || vr == EVR_UR;
}

std::string stringOf(DcmElement& element)
{
    OFString value;
    element.getOFStringArray(value);
    return std::string(value.c_str(), value.length());
}

void addCode(DcmItem& dataset, const char* value, const char* meaning)
{
    DcmItem* item = nullptr;
    if (dataset.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, item, -2).good() && item) {
        item->putAndInsertString(DCM_CodeValue, value);
        item->putAndInsertString(DCM_CodingSchemeDesignator, "DCM");
        item->putAndInsertString(DCM_CodeMeaning, meaning);
    }
}

} // namespace

struct DicomDeidentifier::Private {
    explicit Private(Options options)
        : options(std::move(options))
        , remapper(this->options.uidKey.empty() ? randomKey() : this->options.uidKey)
    {
        rules.retainLongitudinalFullDates = this->options.retainLongitudinalFullDates;
        rules.cleanStructuredContent = this->options.cleanStructuredContent;
        rules.cleanDescriptors = this->options.cleanDescriptors;
    }

    bool load(const std::string& path, DcmFileFormat& file, std::string* error) const;
    void collect(DcmItem& item);
    void process(DcmItem& item);
    void apply(DcmItem& item, unsigned long& index);
    void remapUids(DcmElement& element);
    void cleanText(DcmElement& element);
    void markDeidentified(DcmItem& dataset);

    Options options;
    internal::DeidentificationOptions rules;
    internal::UidRemapper remapper;
    internal::IdentityScrubber scrubber;
    bool burnedIn = false;
};

bool DicomDeidentifier::Private::load(const std::string& path, DcmFileFormat& file, std::string* error) const
{
    const auto fail = [&](const std::string& why) {
        if (error)
            *error = path + ": " + why;
        return false;
    };
    QFile raw(QFile::decodeName(path.c_str()));
    if (!raw.open(QIODevice::ReadOnly))
        return fail("cannot open: " + raw.errorString().toStdString());
    const auto scan = internal::DicomPreScanner::scanMapped(raw, maximumSequenceDepth, std::size_t { 512 } << 20);
    if (!scan.accepted)
        return fail(scan.problem);
    DicomLibrary::initialize();
    const OFCondition status
        = file.loadFile(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
    if (status.bad())
        return fail(std::string("not readable as DICOM: ") + status.text());
    return true;
}

void DicomDeidentifier::Private::collect(DcmItem& item)
{
    for (unsigned long i = 0; i < item.card(); ++i) {
        DcmElement* element = item.getElement(i);
        const DcmEVR vr = element->ident();
        if (vr == EVR_SQ) {
            auto* sequence = static_cast<DcmSequenceOfItems*>(element);
            for (unsigned long j = 0; j < sequence->card(); ++j)
                collect(*sequence->getItem(j));
            continue;
        }
        const DcmTagKey key = element->getTag();
        if (vr == EVR_PN)
            scrubber.addPersonName(stringOf(*element));
        else if (vr == EVR_DA)
            scrubber.addDate(stringOf(*element));
        else if (key == DCM_PatientID || key == DCM_RETIRED_OtherPatientIDs || key == DCM_AccessionNumber
            || key == DCM_InstitutionName || key == DCM_StudyID || key == DCM_RETIRED_MedicalRecordLocator
            || key == DCM_InstitutionalDepartmentName || key == DCM_StationName)
            scrubber.addIdentifier(stringOf(*element));
    }
}

void DicomDeidentifier::Private::remapUids(DcmElement& element)
{
    std::string remapped;
    std::string value = stringOf(element);
    std::size_t start = 0;
    while (true) {
        const std::size_t end = value.find('\\', start);
        if (!remapped.empty() || start > 0)
            remapped += '\\';
        remapped += remapper.remap(value.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    element.putOFStringArray(OFString(remapped.c_str()));
}

void DicomDeidentifier::Private::cleanText(DcmElement& element)
{
    if (isText(element.ident()))
        element.putOFStringArray(OFString(scrubber.scrub(stringOf(element)).c_str()));
}

void DicomDeidentifier::Private::apply(DcmItem& item, unsigned long& index)
{
    DcmElement* element = item.getElement(index);
    const DcmEVR vr = element->ident();
    const auto action = internal::deidentificationAction(tagOf(*element), DcmVR(vr).getVRName(), rules);
    if (action == DeidentificationAction::Remove) {
        delete item.remove(index);
        return;
    }
    ++index;
    if (vr == EVR_SQ) {
        auto* sequence = static_cast<DcmSequenceOfItems*>(element);
        for (unsigned long j = 0; j < sequence->card(); ++j)
            process(*sequence->getItem(j));
        return;
    }
    switch (action) {
    case DeidentificationAction::Empty:
        element->clear();
        break;
    case DeidentificationAction::Dummy:
        if (vr == EVR_UI)
            remapUids(*element);
        else if (isStringValued(vr))
            element->putString(dummyValue(vr).c_str());
        else
            element->clear();
        break;
    case DeidentificationAction::NewUid:
        if (vr == EVR_UI)
            remapUids(*element);
        else
            element->clear();
        break;
    case DeidentificationAction::Clean:
        cleanText(*element);
        break;
    case DeidentificationAction::Keep:
    case DeidentificationAction::Remove:
        // Text the table does not list but that holds report prose: SR text values are always scrubbed.
        if (element->getTag() == DCM_TextValue)
            cleanText(*element);
        break;
    }
}

void DicomDeidentifier::Private::process(DcmItem& item)
{
    for (unsigned long i = 0; i < item.card();)
        apply(item, i);
}

void DicomDeidentifier::Private::markDeidentified(DcmItem& dataset)
{
    if (!options.patientName.empty())
        dataset.putAndInsertString(DCM_PatientName, options.patientName.c_str());
    if (!options.patientId.empty())
        dataset.putAndInsertString(DCM_PatientID, options.patientId.c_str());
    dataset.putAndInsertString(DCM_PatientIdentityRemoved, "YES");
    const std::string method = "PS3.15 " + profileEdition() + " Basic Application Confidentiality Profile";
    dataset.putAndInsertString(DCM_DeidentificationMethod, method.c_str());
    dataset.findAndDeleteElement(DCM_DeidentificationMethodCodeSequence);
    addCode(dataset, "113100", "Basic Application Confidentiality Profile");
    if (options.cleanStructuredContent)
        addCode(dataset, "113104", "Clean Structured Content Option");
    if (options.cleanDescriptors)
        addCode(dataset, "113105", "Clean Descriptors Option");
    if (options.retainLongitudinalFullDates)
        addCode(dataset, "113106", "Retain Longitudinal Temporal Information Full Dates Option");
    dataset.putAndInsertString(
        DCM_LongitudinalTemporalInformationModified, options.retainLongitudinalFullDates ? "UNMODIFIED" : "REMOVED");
}

DicomDeidentifier::DicomDeidentifier()
    : DicomDeidentifier(Options {})
{
}

DicomDeidentifier::DicomDeidentifier(Options options)
    : d(std::make_unique<Private>(std::move(options)))
{
}

DicomDeidentifier::~DicomDeidentifier() = default;

bool DicomDeidentifier::collectIdentity(const std::string& path, std::string* error)
{
    DcmFileFormat file;
    if (!d->load(path, file, error))
        return false;
    d->collect(*file.getDataset());
    return true;
}

bool DicomDeidentifier::deidentifyFile(const std::string& input, const std::string& output, std::string* error)
{
    DcmFileFormat file;
    if (!d->load(input, file, error))
        return false;
    DcmDataset& dataset = *file.getDataset();
    d->collect(dataset);
    OFString burnedIn;
    d->burnedIn = dataset.findAndGetOFString(DCM_BurnedInAnnotation, burnedIn).good() && burnedIn == "YES";
    d->process(dataset);
    d->markDeidentified(dataset);
    DcmMetaInfo& meta = *file.getMetaInfo();
    meta.findAndDeleteElement(DCM_SourceApplicationEntityTitle);
    meta.findAndDeleteElement(DCM_SendingApplicationEntityTitle);
    meta.findAndDeleteElement(DCM_ReceivingApplicationEntityTitle);
    meta.findAndDeleteElement(DCM_PrivateInformationCreatorUID);
    meta.findAndDeleteElement(DCM_PrivateInformation);
    const OFCondition status = file.saveFile(
        OFFilename(output.c_str()), EXS_Unknown, EET_UndefinedLength, EGL_recalcGL, EPD_noChange, 0, 0, EWM_updateMeta);
    if (status.bad()) {
        QFile::remove(QFile::decodeName(output.c_str()));
        if (error)
            *error = output + ": cannot write: " + status.text();
        return false;
    }
    return true;
}

std::string DicomDeidentifier::scrubText(const std::string& text) const
{
    return d->scrubber.scrub(text);
}

std::string DicomDeidentifier::remapUid(const std::string& uid) const
{
    return d->remapper.remap(uid);
}

bool DicomDeidentifier::burnedInAnnotation() const
{
    return d->burnedIn;
}

std::string DicomDeidentifier::profileEdition()
{
    return internal::confidentialityProfileEdition;
}

} // namespace lrclr
