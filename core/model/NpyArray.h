#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lrclr {

/// A NumPy `.npy` array (format versions 1–3, little-endian float32/float16/int64/int32, C order), read and written
/// without LibTorch; used for reference vectors, `lrclr encode --tensor` and heatmap output. Header parsing refuses
/// anything it does not fully understand. Value type; not thread-safe for concurrent mutation.
class NpyArray {
public:
    enum class DataType { Float32, Float16, Int64, Int32 };

    NpyArray() = default;
    /// A float32 array; throws std::invalid_argument when `values` does not hold product(shape) elements.
    NpyArray(std::vector<std::int64_t> shape, const std::vector<float>& values);

    /// Throws lrclr::ModelError naming the file and the problem (bad magic, header, dtype, size mismatch, ...).
    static NpyArray read(const std::string& path);
    /// Parses the bytes of a whole .npy file; `source` names it in error messages.
    static NpyArray fromBytes(const std::string& bytes, const std::string& source);

    /// Writes a version 1.0 file; throws lrclr::ModelError when the file cannot be written.
    void write(const std::string& path) const;
    std::string toBytes() const;

    DataType dataType() const { return m_dataType; }
    /// NumPy's spelling: "<f4", "<f2", "<i8", "<i4".
    std::string descriptor() const;
    const std::vector<std::int64_t>& shape() const { return m_shape; }
    std::int64_t elementCount() const;
    /// The raw little-endian element bytes in C order.
    const std::string& data() const { return m_data; }

    /// All elements converted to float (exact for float16/float32; int64 beyond 2^24 loses precision).
    std::vector<float> toFloat32() const;
    /// All elements converted to int64; throws lrclr::ModelError for a floating-point array.
    std::vector<std::int64_t> toInt64() const;

    static int elementSize(DataType type);

private:
    DataType m_dataType = DataType::Float32;
    std::vector<std::int64_t> m_shape;
    std::string m_data;
};

} // namespace lrclr
