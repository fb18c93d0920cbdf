#include "core/model/Sha256.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include <openssl/evp.h>

#include "core/model/LrclrModel.h"

namespace lrclr {

namespace {

struct DigestContext {
    DigestContext()
        : context(EVP_MD_CTX_new(), &EVP_MD_CTX_free)
    {
        if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
            throw ModelError("OpenSSL could not start a SHA-256 digest");
    }

    void update(const void* data, std::size_t size)
    {
        if (EVP_DigestUpdate(context.get(), data, size) != 1)
            throw ModelError("OpenSSL SHA-256 update failed");
    }

    std::string hex()
    {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        if (EVP_DigestFinal_ex(context.get(), digest, &length) != 1)
            throw ModelError("OpenSSL SHA-256 finalisation failed");
        static const char* digits = "0123456789abcdef";
        std::string text;
        for (unsigned int i = 0; i < length; ++i) {
            text.push_back(digits[digest[i] >> 4]);
            text.push_back(digits[digest[i] & 15]);
        }
        return text;
    }

    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context;
};

} // namespace

std::string Sha256::ofFile(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        throw ModelError(path + ": cannot open for reading (" + std::strerror(errno) + ")");
    DigestContext digest;
    std::vector<char> buffer(1 << 20);
    while (file) {
        file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto count = file.gcount();
        if (count > 0)
            digest.update(buffer.data(), static_cast<std::size_t>(count));
    }
    if (file.bad())
        throw ModelError(path + ": read error while computing its SHA-256");
    return digest.hex();
}

std::string Sha256::ofBytes(const void* data, std::size_t size)
{
    DigestContext digest;
    digest.update(data, size);
    return digest.hex();
}

} // namespace lrclr
