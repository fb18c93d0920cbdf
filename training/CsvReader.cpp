#include "training/CsvReader.h"

#include <algorithm>

#include "training/DatasetManifest.h"

namespace lrclr {

namespace {
constexpr std::size_t maximumFieldLength = 4 * 1024 * 1024;
}

CsvReader::CsvReader(const std::string& path)
    : m_path(path)
    , m_input(path, std::ios::binary)
{
    if (!m_input)
        throw ManifestError(path + ": cannot open the CSV file");
}

bool CsvReader::next(std::vector<std::string>& fields)
{
    fields.clear();
    if (m_first) {
        m_first = false;
        char bom[3] = {};
        m_input.read(bom, 3);
        if (!(m_input.gcount() == 3 && bom[0] == '\xEF' && bom[1] == '\xBB' && bom[2] == '\xBF')) {
            m_input.clear();
            m_input.seekg(0);
        }
    }
    std::string field;
    bool quoted = false;
    bool any = false;
    bool fieldStarted = false;
    m_recordLine = m_line;
    char c;
    while (m_input.get(c)) {
        any = true;
        if (field.size() > maximumFieldLength)
            throw ManifestError(where() + ": field longer than 4 MiB");
        if (quoted) {
            if (c == '"') {
                if (m_input.peek() == '"') {
                    m_input.get(c);
                    field.push_back('"');
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++m_line;
                field.push_back(c);
            }
            continue;
        }
        if (c == '"' && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
            fieldStarted = false;
        } else if (c == '\r') {
            continue;
        } else if (c == '\n') {
            ++m_line;
            if (fields.empty() && field.empty() && !fieldStarted) { // empty line
                m_recordLine = m_line;
                continue;
            }
            fields.push_back(std::move(field));
            return true;
        } else {
            field.push_back(c);
            fieldStarted = true;
        }
    }
    if (quoted)
        throw ManifestError(where() + ": unterminated quoted field");
    if (!any || (fields.empty() && field.empty() && !fieldStarted))
        return false;
    fields.push_back(std::move(field));
    return true;
}

int CsvReader::column(const std::vector<std::string>& header, const std::string& name)
{
    const auto found = std::find(header.begin(), header.end(), name);
    return found == header.end() ? -1 : static_cast<int>(found - header.begin());
}

} // namespace lrclr
