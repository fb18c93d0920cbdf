// lrclr-fuzz-seeds <folder>: writes generated seed inputs for the fuzz targets into <folder>/<target>/, with the
// project's own test writers where there are some: synthetic DICOM images in every transfer syntax the reader
// supports (tests/study/TestDicomFiles), a DICOMDIR written by DCMTK's DicomDirInterface (as dcmmkdir writes it),
// SRs written with dcmsr, analysis JSON written by AnalysisJson, torch.save-style checkpoints (the pickle opcodes and
// the PyTorchStreamWriter archive that tests/model/CheckpointReaderTest writes). scripts/fuzz.sh adds the repository's
// demo files and Debian's sample files, read in place.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <caffe2/serialize/inline_container.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcddirif.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/oflog/oflog.h>

#include "core/dicom/DicomLibrary.h"
#include "core/model/AnalysisJson.h"
#include "tests/model/TestPickles.h"
#include "tests/study/TestDicomFiles.h"

using namespace lrclr;
using namespace lrclr::test;
namespace fs = std::filesystem;

namespace {

int failures = 0;

void fail(const std::string& what)
{
    std::fprintf(stderr, "lrclr-fuzz-seeds: %s\n", what.c_str());
    ++failures;
}

void writeFile(const fs::path& path, const std::string& bytes)
{
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!file)
        fail("cannot write " + path.string());
}

// --- DICOM images ----------------------------------------------------------------------------------------------

void writeImages(const fs::path& folder)
{
    const std::vector<std::pair<TestSyntax, std::string>> syntaxes = {
        { TestSyntax::ExplicitLittle, "explicit-little" },
        { TestSyntax::ImplicitLittle, "implicit-little" },
        { TestSyntax::ExplicitBig, "explicit-big" },
        { TestSyntax::Deflated, "deflated" },
        { TestSyntax::Rle, "rle" },
        { TestSyntax::JpegLossless, "jpeg-lossless" },
        { TestSyntax::JpegLs, "jpeg-ls" },
        { TestSyntax::JpegBaseline, "jpeg-baseline" },
        { TestSyntax::Jpeg2000Lossless, "j2k-lossless" },
        { TestSyntax::Jpeg2000Lossy, "j2k-lossy" },
    };
    struct Variant {
        std::string name;
        SyntheticImage image;
    };
    std::vector<Variant> variants;
    {
        SyntheticImage image;
        image.rows = 12;
        image.columns = 10;
        image.attributes = { { 0x0028, 0x1050, "2048" }, { 0x0028, 0x1051, "4096" }, { 0x0028, 0x0120, "0" } };
        variants.push_back({ "mono12", image });
    }
    {
        SyntheticImage image;
        image.rows = 8;
        image.columns = 8;
        image.bitsAllocated = 8;
        image.bitsStored = 8;
        image.photometric = "MONOCHROME1";
        variants.push_back({ "mono8", image });
    }
    {
        SyntheticImage image;
        image.rows = 8;
        image.columns = 6;
        image.bitsStored = 16;
        image.pixelRepresentation = 1;
        image.attributes = { { 0x0028, 0x1052, "-1024" }, { 0x0028, 0x1053, "1" } };
        variants.push_back({ "signed16", image });
    }
    {
        SyntheticImage image;
        image.rows = 6;
        image.columns = 6;
        image.samplesPerPixel = 3;
        image.bitsAllocated = 8;
        image.bitsStored = 8;
        image.photometric = "RGB";
        variants.push_back({ "rgb", image });
    }
    {
        SyntheticImage image;
        image.rows = 6;
        image.columns = 5;
        image.frames = 2;
        variants.push_back({ "frames", image });
    }
    {
        SyntheticImage image;
        image.rows = 6;
        image.columns = 6;
        image.modalityLut = TestLut { 0, 16, { 0, 100, 200, 300, 400, 500, 600, 700 } };
        image.attributes = { { 0x0028, 0x1050, "300" }, { 0x0028, 0x1051, "600" } };
        variants.push_back({ "modality-lut", image });
    }
    for (auto& variant : variants) {
        variant.image.samples = patternSamples(variant.image);
        for (const auto& [syntax, syntaxName] : syntaxes) {
            const bool colour = variant.image.samplesPerPixel == 3;
            const bool eightBit = variant.image.bitsAllocated == 8;
            if (syntax == TestSyntax::JpegBaseline && !(eightBit || variant.name == "mono12"))
                continue; // baseline JPEG is 8 or 12 bits unsigned
            if ((syntax == TestSyntax::Jpeg2000Lossy || syntax == TestSyntax::JpegBaseline) && colour)
                continue;
            const fs::path path = folder / (variant.name + "-" + syntaxName + ".dcm");
            const std::string error = writeSyntheticDicom(variant.image, syntax, path.string());
            if (!error.empty())
                std::fprintf(stderr, "lrclr-fuzz-seeds: skipped %s: %s\n", path.filename().c_str(), error.c_str());
        }
    }
    {
        SyntheticImage image;
        image.rows = 4;
        image.columns = 4;
        image.bitsAllocated = 32;
        image.bitsStored = 32;
        image.floatSamples = { 0.5f, 1.5f, -2.0f, 3.25f, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
        const std::string error
            = writeSyntheticDicom(image, TestSyntax::ExplicitLittle, (folder / "float-explicit-little.dcm").string());
        if (!error.empty())
            std::fprintf(stderr, "lrclr-fuzz-seeds: skipped float image: %s\n", error.c_str());
    }
}

// --- DICOMDIR --------------------------------------------------------------------------------------------------

void writeDicomdir(const fs::path& folder, const fs::path& scratch)
{
    const fs::path media = scratch / "media";
    fs::create_directories(media / "IMAGES");
    SyntheticImage image;
    image.rows = 4;
    image.columns = 4;
    image.samples = patternSamples(image);
    for (const char* name : { "IM1", "IM2" }) {
        const std::string error
            = writeSyntheticDicom(image, TestSyntax::ExplicitLittle, (media / "IMAGES" / name).string());
        if (!error.empty())
            return fail("DICOMDIR image: " + error);
    }
    const fs::path previous = fs::current_path();
    fs::current_path(media); // DicomDirInterface wants file IDs relative to the current folder
    DicomDirInterface dicomdir;
    dicomdir.enableInventMode(OFTrue);
    const bool ok = dicomdir.createNewDicomDir(DicomDirInterface::AP_GeneralPurpose, "DICOMDIR", "FUZZ").good()
        && dicomdir.addDicomFile("IMAGES/IM1").good() && dicomdir.addDicomFile("IMAGES/IM2").good()
        && dicomdir.writeDicomDir().good();
    fs::current_path(previous);
    if (!ok) { // not fatal: scripts/fuzz.sh adds pydicom's DICOMDIRs
        std::fprintf(stderr, "lrclr-fuzz-seeds: skipped the DICOMDIR: DicomDirInterface refused the images\n");
        return;
    }
    fs::copy_file(media / "DICOMDIR", folder / "generated-DICOMDIR", fs::copy_options::overwrite_existing);
}

// --- Structured Reports ----------------------------------------------------------------------------------------

bool writeSr(const fs::path& path, DSRTypes::E_DocumentType type, bool nested)
{
    DSRDocument document(type);
    document.setSpecificCharacterSetType(DSRTypes::CS_UTF8);
    DSRDocumentTree& tree = document.getTree();
    if (tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) == 0)
        return false;
    tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("18748-4", "LN", "Diagnostic Imaging Report"));
    if (tree.addChildContentItem(
                DSRTypes::RT_contains, DSRTypes::VT_Container, DSRCodedEntryValue("121070", "DCM", "Findings"))
            .bad())
        return false;
    if (tree.addChildContentItem(
                DSRTypes::RT_contains, DSRTypes::VT_Text, DSRCodedEntryValue("121071", "DCM", "Finding"))
            .bad())
        return false;
    tree.getCurrentContentItem().setStringValue("The lungs are clear. Heart size is normal.");
    if (tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Text, DSRCodedEntryValue("121071", "DCM", "Finding"))
            .bad())
        return false;
    tree.getCurrentContentItem().setStringValue("Größe des Herzens unverändert. IMPRESSION: stable.");
    tree.goUp();
    if (nested) {
        if (tree.addContentItem(
                    DSRTypes::RT_contains, DSRTypes::VT_Container, DSRCodedEntryValue("121072", "DCM", "Impressions"))
                .bad())
            return false;
        if (tree.addChildContentItem(
                    DSRTypes::RT_contains, DSRTypes::VT_Text, DSRCodedEntryValue("121073", "DCM", "Impression"))
                .bad())
            return false;
        tree.getCurrentContentItem().setStringValue("1. No acute disease.\n2. Stable approx. 2.5 cm nodule.");
    }
    DcmFileFormat file;
    if (document.write(*file.getDataset()).bad())
        return false;
    return file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good();
}

void writeReports(const fs::path& folder)
{
    if (!writeSr(folder / "basic-text.dcm", DSRTypes::DT_BasicTextSR, false)
        || !writeSr(folder / "enhanced.dcm", DSRTypes::DT_EnhancedSR, true)
        || !writeSr(folder / "comprehensive.dcm", DSRTypes::DT_ComprehensiveSR, true))
        fail("dcmsr could not write a report");
}

// --- checkpoints (tests/model/TestPickles.h, as tests/model/CheckpointReaderTest writes them) --------------------

using lrclr::test::pickleInt;
using lrclr::test::pickleString;
using lrclr::test::pickleTuple;
using lrclr::test::stateDictPickle;
using lrclr::test::tensorPickle;
using lrclr::test::TensorSpec;

void writeArchive(const fs::path& path, const std::string& pickle, const std::map<std::string, std::string>& records)
{
    caffe2::serialize::PyTorchStreamWriter writer(path.string());
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    for (const auto& [name, bytes] : records)
        writer.writeRecord(name, bytes.data(), bytes.size());
    writer.writeEndOfFile();
}

std::string bytesOf(std::size_t count, char fill)
{
    return std::string(count, fill);
}

void writeCheckpoints(const fs::path& folder)
{
    try {
        writeArchive(folder / "one-tensor.pt", stateDictPickle({ TensorSpec { "weight" } }),
            { { "data/0", bytesOf(16, '\x01') } });
        TensorSpec matrix { "layer.weight", "FloatStorage", "0", 6, 0, { 2, 3 }, { 3, 1 } };
        TensorSpec half { "layer.bias", "HalfStorage", "1", 3, 0, { 3 }, { 1 } };
        TensorSpec view { "layer.view", "FloatStorage", "0", 6, 1, { 2, 2 }, { 1, 3 } };
        TensorSpec longs { "positions", "LongStorage", "2", 2, 0, { 2 }, { 1 } };
        writeArchive(folder / "several-tensors.pt", stateDictPickle({ matrix, half, view, longs }),
            { { "data/0", bytesOf(24, '\x02') }, { "data/1", bytesOf(6, '\x03') }, { "data/2", bytesOf(16, 0) } });
        writeArchive(folder / "plain-dict.pt", stateDictPickle({ TensorSpec { "w" } }, false),
            { { "data/0", bytesOf(16, '\x04') } });
        TensorSpec scalar { "logit_scale", "FloatStorage", "0", 1, 0, {}, {} };
        writeArchive(folder / "scalar.pt", stateDictPickle({ scalar }), { { "data/0", bytesOf(4, '\x05') } });
    } catch (const std::exception& error) {
        fail(std::string("checkpoint: ") + error.what());
    }
    writeFile(folder / "legacy-pickle.pt", stateDictPickle({ TensorSpec { "weight" } }));
}

// --- analysis JSON (AnalysisJson::toJson, as `lrclr analyze` writes it) ------------------------------------------

AnalysisResult::PatchMap patchMap(int size, float scale)
{
    AnalysisResult::PatchMap map;
    map.rows = size;
    map.columns = size;
    for (int i = 0; i < size * size; ++i)
        map.values.push_back(scale * static_cast<float>(i % 7) - 0.25f);
    return map;
}

void writeAnalyses(const fs::path& folder)
{
    AnalysisResult result;
    result.model = { "demo", std::string(64, 'a'), "cpu", "center-crop" };
    result.similarityScale = AnalysisResult::SimilarityScale { 0.1f, 0.2f, 0.3f };
    result.imageEmbedding = { 0.5f, -0.5f, 0.5f, -0.5f };
    result.geometry = { 512, 400, 224, 0.56, 0.0, 0.0, "center-crop" };
    result.regions = { { 8, 1, 1, 0.75f, { 64, 64, 91.4, 91.4 } }, { 17, 2, 3, 0.25f, { 0, 0, 10, 10 } } };
    AnalysisResult::Sentence sentence;
    sentence.text = "Small left pleural effusion.";
    sentence.begin = 10;
    sentence.end = 38;
    sentence.globalSimilarity = 0.21f;
    sentence.localSimilarity = 0.27f;
    sentence.regionWeights = { 0.6f, 0.4f };
    sentence.similarityMap = patchMap(3, 0.1f);
    sentence.attentionMap = patchMap(3, 0.05f);
    result.sentences = { sentence };
    AnalysisResult::Finding finding;
    finding.name = "Pleural Effusion";
    finding.globalProbability = 0.4f;
    finding.localProbability = 0.5f;
    finding.combinedProbability = 0.6f;
    finding.probability = 0.7f;
    finding.calibrated = true;
    finding.threshold = 0.5f;
    finding.map = patchMap(3, 0.2f);
    finding.attentionMap = patchMap(3, 0.1f);
    result.findings = { finding };
    result.seconds = 1.25;
    writeFile(folder / "full.json", AnalysisJson::toJson(result));
    AnalysisJson::Attachments attachments;
    attachments.sentenceSimilarity = { { "s0.png", "s0.npy" } };
    attachments.findingMaps = { { "f0.png", "" } };
    writeFile(folder / "attachments.json", AnalysisJson::toJson(result, attachments, -1));
    writeFile(folder / "empty.json", AnalysisJson::toJson(AnalysisResult {}, -1));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: lrclr-fuzz-seeds <folder>\n");
        return 2;
    }
    DicomLibrary::initialize();
    OFLog::getLogger("dcmtk").setLogLevel(OFLogger::OFF_LOG_LEVEL);
    const fs::path root = fs::absolute(argv[1]);
    const fs::path scratch = root / ".scratch";
    for (const char* target : { "dicom-image", "dicomdir", "dicom-sr", "checkpoint", "analysis-json" })
        fs::create_directories(root / target);
    fs::create_directories(scratch);
    writeImages(root / "dicom-image");
    writeDicomdir(root / "dicomdir", scratch);
    writeReports(root / "dicom-sr");
    writeCheckpoints(root / "checkpoint");
    writeAnalyses(root / "analysis-json");
    fs::remove_all(scratch);
    return failures == 0 ? 0 : 1;
}
