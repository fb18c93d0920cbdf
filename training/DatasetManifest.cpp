#include "training/DatasetManifest.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QString>

#include "core/common/RegularFile.h"

namespace lrclr {

namespace {

// A line longer than this is not a manifest row (it would be a corrupted or wrong file); refusing it keeps memory
// bounded.
constexpr std::size_t maximumLineLength = 16 * 1024 * 1024;

[[noreturn]] void fail(const std::string& where, const std::string& problem)
{
    throw ManifestError(where + ": " + problem);
}

std::string text(const QJsonObject& object, const char* key, const std::string& where, bool required = false)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        if (required)
            fail(where, std::string("missing \"") + key + "\"");
        return {};
    }
    if (!value.isString())
        fail(where, std::string("\"") + key + "\" must be a string");
    return value.toString().toStdString();
}

int integer(const QJsonObject& object, const char* key, const std::string& where)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return 0;
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || number < 0 || number > 1e6 || number != std::floor(number))
        fail(where, std::string("\"") + key + "\" must be a non-negative integer");
    return static_cast<int>(number);
}

ManifestEntry::Box parseBox(const QJsonValue& value, const std::string& where)
{
    const QJsonArray array = value.toArray();
    if (!value.isArray() || array.size() != 4)
        fail(where, "a box must be [x, y, width, height]");
    double numbers[4];
    for (int i = 0; i < 4; ++i) {
        if (!array[i].isDouble() || !std::isfinite(array[i].toDouble()))
            fail(where, "box values must be numbers");
        numbers[i] = array[i].toDouble();
    }
    if (numbers[2] < 0 || numbers[3] < 0)
        fail(where, "box width and height must not be negative");
    return { numbers[0], numbers[1], numbers[2], numbers[3] };
}

} // namespace

ManifestEntry DatasetManifest::parseLine(const std::string& line, const std::string& where)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(line), &error);
    if (error.error != QJsonParseError::NoError)
        fail(where,
            "not valid JSON (" + error.errorString().toStdString() + " at column " + std::to_string(error.offset + 1)
                + ")");
    if (!document.isObject())
        fail(where, "each line must be a JSON object");
    const QJsonObject object = document.object();

    ManifestEntry entry;
    entry.image = text(object, "image", where, true);
    if (entry.image.empty())
        fail(where, "\"image\" is empty");
    entry.report = text(object, "report", where);
    entry.reportText = text(object, "report_text", where);
    entry.subjectId = text(object, "subject_id", where);
    entry.studyId = text(object, "study_id", where);
    entry.view = text(object, "view", where);
    entry.split = text(object, "split", where);
    if (entry.split == "valid" || entry.split == "validation")
        entry.split = "validate";
    if (!entry.split.empty() && entry.split != "train" && entry.split != "validate" && entry.split != "test")
        fail(where, "\"split\" must be train, validate, test or empty, not \"" + entry.split + "\"");
    entry.width = integer(object, "width", where);
    entry.height = integer(object, "height", where);

    const QJsonValue labels = object.value(QLatin1String("labels"));
    if (!labels.isUndefined() && !labels.isNull()) {
        if (!labels.isObject())
            fail(where, "\"labels\" must be an object of observation: 1 | 0 | -1 | null");
        const QJsonObject labelObject = labels.toObject();
        for (auto it = labelObject.begin(); it != labelObject.end(); ++it) {
            if (it.value().isNull())
                continue; // blank
            const double value = it.value().toDouble(2.0);
            if (!it.value().isDouble() || (value != 1.0 && value != 0.0 && value != -1.0))
                fail(where, "label \"" + it.key().toStdString() + "\" must be 1, 0, -1 or null");
            entry.labels[it.key().toStdString()] = static_cast<int>(value);
        }
    }

    const QJsonValue sentences = object.value(QLatin1String("sentences"));
    if (!sentences.isUndefined() && !sentences.isNull()) {
        if (!sentences.isArray())
            fail(where, "\"sentences\" must be an array");
        int index = 0;
        for (const QJsonValue& item : sentences.toArray()) {
            const std::string at = where + ": sentence " + std::to_string(index++);
            if (!item.isObject())
                fail(at, "must be an object with \"text\" and \"boxes\"");
            const QJsonObject sentenceObject = item.toObject();
            ManifestEntry::Sentence sentence;
            sentence.text = text(sentenceObject, "text", at, true);
            const QJsonValue boxes = sentenceObject.value(QLatin1String("boxes"));
            if (!boxes.isUndefined() && !boxes.isNull()) {
                if (!boxes.isArray())
                    fail(at, "\"boxes\" must be an array of [x, y, width, height]");
                for (const QJsonValue& box : boxes.toArray())
                    sentence.boxes.push_back(parseBox(box, at));
            }
            if (entry.width > 0 && entry.height > 0) {
                for (const auto& box : sentence.boxes)
                    if (box.x < 0 || box.y < 0 || box.x + box.width > entry.width + 1e-6
                        || box.y + box.height > entry.height + 1e-6)
                        fail(at,
                            "box lies outside the " + std::to_string(entry.width) + "x" + std::to_string(entry.height)
                                + " image");
            }
            entry.sentences.push_back(std::move(sentence));
        }
    }
    return entry;
}

std::string DatasetManifest::formatLine(const ManifestEntry& entry)
{
    QJsonObject object;
    object.insert(QStringLiteral("image"), QString::fromStdString(entry.image));
    if (!entry.report.empty())
        object.insert(QStringLiteral("report"), QString::fromStdString(entry.report));
    if (!entry.reportText.empty())
        object.insert(QStringLiteral("report_text"), QString::fromStdString(entry.reportText));
    QJsonObject labels;
    for (const auto& [name, value] : entry.labels)
        labels.insert(QString::fromStdString(name), value);
    object.insert(QStringLiteral("labels"), labels);
    if (!entry.split.empty())
        object.insert(QStringLiteral("split"), QString::fromStdString(entry.split));
    if (!entry.subjectId.empty())
        object.insert(QStringLiteral("subject_id"), QString::fromStdString(entry.subjectId));
    if (!entry.studyId.empty())
        object.insert(QStringLiteral("study_id"), QString::fromStdString(entry.studyId));
    if (!entry.view.empty())
        object.insert(QStringLiteral("view"), QString::fromStdString(entry.view));
    if (entry.width > 0 && entry.height > 0) {
        object.insert(QStringLiteral("width"), entry.width);
        object.insert(QStringLiteral("height"), entry.height);
    }
    if (!entry.sentences.empty()) {
        QJsonArray sentences;
        for (const auto& sentence : entry.sentences) {
            QJsonArray boxes;
            for (const auto& box : sentence.boxes)
                boxes.append(QJsonArray { box.x, box.y, box.width, box.height });
            sentences.append(QJsonObject { { QStringLiteral("text"), QString::fromStdString(sentence.text) },
                { QStringLiteral("boxes"), boxes } });
        }
        object.insert(QStringLiteral("sentences"), sentences);
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

DatasetManifest DatasetManifest::load(const std::string& path)
{
    return read(path, nullptr);
}

DatasetManifest DatasetManifest::load(const std::string& path, std::vector<std::string>& badRows)
{
    return read(path, &badRows);
}

DatasetManifest DatasetManifest::read(const std::string& path, std::vector<std::string>* badRows)
{
    if (const std::string problem = RegularFile::problem(path); !problem.empty())
        throw ManifestError(path + ": cannot open the manifest: " + problem);
    std::ifstream input(path, std::ios::binary);
    if (!input)
        throw ManifestError(path + ": cannot open the manifest");
    DatasetManifest manifest;
    manifest.m_baseDirectory = std::filesystem::absolute(std::filesystem::path(path)).parent_path().string();
    std::string line;
    int number = 0;
    while (true) {
        line.clear();
        char c;
        bool any = false;
        while (input.get(c)) {
            any = true;
            if (c == '\n')
                break;
            if (line.size() >= maximumLineLength)
                throw ManifestError(path + ":" + std::to_string(number + 1) + ": line longer than 16 MiB");
            line.push_back(c);
        }
        if (!any)
            break;
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
        try {
            manifest.m_entries.push_back(parseLine(line, path + ":" + std::to_string(number)));
        } catch (const ManifestError& error) {
            if (!badRows)
                throw;
            badRows->push_back(error.what());
        }
    }
    if (input.bad())
        throw ManifestError(path + ": read error");
    return manifest;
}

void DatasetManifest::save(const std::string& path) const
{
    const std::string temporary = path + ".partial";
    {
        std::ofstream output(temporary, std::ios::binary | std::ios::trunc);
        if (!output)
            throw ManifestError(path + ": cannot write the manifest");
        for (const auto& entry : m_entries)
            output << formatLine(entry) << '\n';
        output.flush();
        if (!output)
            throw ManifestError(path + ": write error");
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error)
        throw ManifestError(path + ": cannot replace the manifest (" + error.message() + ")");
}

std::string DatasetManifest::resolve(const std::string& path) const
{
    const std::filesystem::path candidate(path);
    if (candidate.is_absolute() || m_baseDirectory.empty())
        return path;
    return (std::filesystem::path(m_baseDirectory) / candidate).lexically_normal().string();
}

std::string DatasetManifest::reportText(const ManifestEntry& entry) const
{
    if (entry.report.empty())
        return entry.reportText;
    const std::string path = resolve(entry.report);
    if (const std::string problem = RegularFile::problem(path); !problem.empty())
        throw ManifestError(path + ": cannot read the report: " + problem);
    std::ifstream input(path, std::ios::binary);
    if (!input)
        throw ManifestError(path + ": cannot read the report");
    std::ostringstream contents;
    contents << input.rdbuf();
    return contents.str();
}

std::vector<ManifestEntry> DatasetManifest::split(const std::string& split) const
{
    std::vector<ManifestEntry> selected;
    for (const auto& entry : m_entries)
        if (entry.split == split)
            selected.push_back(entry);
    return selected;
}

} // namespace lrclr
