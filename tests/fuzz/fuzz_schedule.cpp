// Fuzz target: --schedule spellings, through the parser, the horizon, the values at the breakpoints
// and the canonical spelling, which must parse back to the same schedule. Bad input must end in
// cgp::Error, nothing else.
#include <cgp/io/error.hpp>
#include <cgp/training/schedule.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const cgp::Schedule parsed = cgp::parse_schedule(text);
        const cgp::Schedule s = cgp::resolve_schedule(parsed, 1000);
        for (std::uint64_t t : cgp::schedule_breakpoints(s, 1000)) {
            (void)cgp::schedule_value(s, 0.1, t, 0.1);
            if (t > 1)
                (void)cgp::schedule_value(s, 0.1, t - 1, 0.1);
        }
        cgp::PlateauState st = cgp::plateau_start(0.1);
        for (double loss : {1.0, 0.5, 0.5, 0.5, std::nan("")})
            cgp::plateau_step(s, st, loss);
        const std::string canonical = s.canonical();
        if (cgp::resolve_schedule(cgp::parse_schedule(canonical), 1000).canonical() != canonical)
            std::abort(); // the canonical spelling must read back as itself
    } catch (const cgp::Error&) {
        // refused with a message: fine
    }
    return 0;
}
