// cgp/host/cpu.hpp: what this CPU can execute, as CGP_ISA_* bits: the one detector behind the tape's
// SIMD paths and the plugin host's ISA checks.
//
// The environment variable CGP_ISA_DISABLE (e.g. "avx512f" or "avx2,fma3") removes features from
// what cgp believes the CPU has, to run, test or benchmark the narrower paths on a wide machine. It
// is read once per process.
#pragma once

#include <cgp/io/error.hpp>
#include <cgp/sdk/abi.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace cgp {

// CGP_ISA_* bits of what this CPU can execute.
std::uint32_t cpu_isa() noexcept;
// "avx2 fma3" for a set of CGP_ISA_* bits.
std::string isa_names(std::uint32_t isa);

// "avx2, fma3" -> bits; throws cgp::Error naming the unknown word and the known names.
std::uint32_t parse_isa_list(std::string_view text);
// Throws cgp::Error when CGP_ISA_DISABLE is set to something parse_isa_list refuses.
void check_isa_disable();

} // namespace cgp
