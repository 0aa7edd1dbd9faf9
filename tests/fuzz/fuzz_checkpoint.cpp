// Fuzz target: checkpoint files. Anything parse_checkpoint accepts must serialize back to the same
// bytes; anything else must end in cgp::Error. Each input is parsed as it is, and again with its
// length field and CRC repaired, so mutations also reach the field decoder behind the checksum.
#include <cgp/training/checkpoint.hpp>
#include <cgp/io/error.hpp>

#include <boost/crc.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

void parse(const std::vector<std::uint8_t>& bytes)
{
    try {
        const cgp::Checkpoint c = cgp::parse_checkpoint(bytes, "fuzz.ckpt");
        if (cgp::serialize_checkpoint(c) != bytes)
            __builtin_trap();
    } catch (const cgp::Error&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::vector<std::uint8_t> bytes(data, data + size);
    parse(bytes);
    // Header: 8 bytes magic, u32 version, u64 payload length; then the payload and a u32 CRC of
    // everything after the magic.
    if (size >= 24) {
        const std::uint64_t length = size - 24;
        std::memcpy(bytes.data() + 12, &length, sizeof length);
        boost::crc_32_type crc;
        crc.process_bytes(bytes.data() + 8, size - 12);
        const std::uint32_t sum = crc.checksum();
        std::memcpy(bytes.data() + size - 4, &sum, sizeof sum);
        parse(bytes);
    }
    return 0;
}
