// The one CPU feature detector of the host: GCC's __builtin_cpu_supports (which also checks that the
// operating system saves the wider registers), less the features CGP_ISA_DISABLE names.
#include <cgp/host/cpu.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <string_view>

namespace cgp {
namespace {

constexpr std::pair<std::uint32_t, const char*> kIsaNames[] = {
    {CGP_ISA_SSE2, "sse2"}, {CGP_ISA_SSE4_2, "sse4.2"},   {CGP_ISA_AVX, "avx"},           {CGP_ISA_AVX2, "avx2"},
    {CGP_ISA_FMA3, "fma3"}, {CGP_ISA_AVX512F, "avx512f"}, {CGP_ISA_AVX512BW, "avx512bw"}, {CGP_ISA_NEON, "neon"},
};

std::uint32_t detected_isa() noexcept
{
    std::uint32_t isa = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse2"))
        isa |= CGP_ISA_SSE2;
    if (__builtin_cpu_supports("sse4.2"))
        isa |= CGP_ISA_SSE4_2;
    if (__builtin_cpu_supports("avx"))
        isa |= CGP_ISA_AVX;
    if (__builtin_cpu_supports("avx2"))
        isa |= CGP_ISA_AVX2;
    if (__builtin_cpu_supports("fma"))
        isa |= CGP_ISA_FMA3;
    if (__builtin_cpu_supports("avx512f"))
        isa |= CGP_ISA_AVX512F;
    if (__builtin_cpu_supports("avx512bw"))
        isa |= CGP_ISA_AVX512BW;
#elif defined(__ARM_NEON)
    isa |= CGP_ISA_NEON;
#endif
    return isa;
}

} // namespace

std::uint32_t parse_isa_list(std::string_view text)
{
    std::uint32_t isa = 0;
    while (!text.empty()) {
        const auto sep = text.find_first_of(", ");
        const std::string_view word = text.substr(0, sep);
        if (!word.empty()) {
            std::uint32_t bit = 0;
            for (const auto& [b, name] : kIsaNames)
                if (word == name)
                    bit = b;
            if (bit == 0) {
                std::string known;
                for (const auto& [b, name] : kIsaNames)
                    known += fmt::format(" {}", name);
                throw Error(fmt::format("unknown instruction set '{}'; known:{}", word, known));
            }
            isa |= bit;
        }
        if (sep == std::string_view::npos)
            break;
        text.remove_prefix(sep + 1);
    }
    return isa;
}

std::uint32_t cpu_isa() noexcept
{
    static const std::uint32_t isa = [] {
        std::uint32_t found = detected_isa();
        if (const char* off = std::getenv("CGP_ISA_DISABLE")) {
            try {
                found &= ~parse_isa_list(off);
            } catch (const Error&) {
                // An unreadable setting disables nothing; cgp-run reports it through check_isa_disable().
            }
        }
        return found;
    }();
    return isa;
}

void check_isa_disable()
{
    if (const char* off = std::getenv("CGP_ISA_DISABLE")) {
        try {
            parse_isa_list(off);
        } catch (const Error& e) {
            throw Error(fmt::format("CGP_ISA_DISABLE='{}': {}", off, e.what()));
        }
    }
}

std::string isa_names(std::uint32_t isa)
{
    std::string out;
    std::uint32_t known = 0;
    for (const auto& [bit, name] : kIsaNames) {
        known |= bit;
        if (isa & bit)
            out += (out.empty() ? "" : " ") + std::string(name);
    }
    if (isa & ~known)
        out += fmt::format("{}unknown bits 0x{:x}", out.empty() ? "" : " ", isa & ~known);
    return out;
}

} // namespace cgp
