// Fuzz target: CSV data files, loaded with label column "y", plain and standardized.
#include <cgp/data/data.hpp>
#include <cgp/io/error.hpp>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (bool standardize : {false, true}) {
        try {
            std::istringstream in(text);
            const cgp::Dataset d = cgp::parse_csv(in, "fuzz.csv", {{"y"}, standardize});
            if (d.x.size() != d.samples * d.features() || d.y.size() != d.samples * d.labels())
                __builtin_trap();
        } catch (const cgp::Error&) {
        }
    }
    return 0;
}
