#include "core/dicom/internal/UidRemapper.h"

#include <algorithm>
#include <vector>

#include <QByteArray>
#include <QCryptographicHash>

namespace lrclr::internal {

namespace {

/// The big-endian unsigned number in `bytes` in decimal, by long division.
std::string decimal(std::vector<unsigned char> bytes)
{
    std::string digits;
    const auto isZero
        = [&bytes] { return std::all_of(bytes.begin(), bytes.end(), [](unsigned char b) { return b == 0; }); };
    do {
        unsigned remainder = 0;
        for (unsigned char& byte : bytes) {
            const unsigned value = (remainder << 8) | byte;
            byte = static_cast<unsigned char>(value / 10);
            remainder = value % 10;
        }
        digits.push_back(static_cast<char>('0' + remainder));
    } while (!isZero());
    std::reverse(digits.begin(), digits.end());
    return digits;
}

} // namespace

UidRemapper::UidRemapper(std::string key)
    : m_key(std::move(key))
{
}

std::string UidRemapper::remap(const std::string& uid) const
{
    if (uid.empty())
        return uid;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArray::fromStdString(m_key));
    hash.addData(QByteArray(1, '\0'));
    hash.addData(QByteArray::fromStdString(uid));
    const QByteArray digest = hash.result();
    return "2.25." + decimal(std::vector<unsigned char>(digest.begin(), digest.begin() + 16));
}

} // namespace lrclr::internal
