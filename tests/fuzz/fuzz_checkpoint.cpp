// Fuzz target: checkpoint files. Anything parse_checkpoint accepts must serialize back to the same
// bytes; anything else must end in cgp::Error.
#include <cgp/checkpoint.hpp>
#include <cgp/error.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const cgp::Checkpoint c = cgp::parse_checkpoint({data, size}, "fuzz.ckpt");
        const std::vector<std::uint8_t> again = cgp::serialize_checkpoint(c);
        if (again.size() != size || !std::equal(again.begin(), again.end(), data))
            __builtin_trap();
    } catch (const cgp::Error&) {
    }
    return 0;
}
