// Refusing a SIMD path the CPU lacks, for real on any machine: ctest runs this suite with
// CGP_ISA_DISABLE=avx512f,avx2 (tests/CMakeLists.txt), so the detector reports neither, whatever the
// CPU has. Without that setting the suite is skipped.
#include <cgp/host/cpu.hpp>
#include <cgp/io/error.hpp>
#include <cgp/tape/simd.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>

using namespace cgp;
namespace utf = boost::unit_test;

namespace {

struct WideIsaDisabled {
    utf::assertion_result operator()(utf::test_unit_id) const
    {
        const char* off = std::getenv("CGP_ISA_DISABLE");
        return utf::assertion_result(off != nullptr && std::string(off) == "avx512f,avx2");
    }
};

std::string refusal(SimdPath p)
{
    try {
        resolve_simd_path(p);
    } catch (const Error& e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

BOOST_AUTO_TEST_SUITE(simd_refusal, *utf::precondition(WideIsaDisabled()))

BOOST_AUTO_TEST_CASE(disabled_paths_are_refused_with_what_this_cpu_runs)
{
    BOOST_TEST((cpu_isa() & (CGP_ISA_AVX512F | CGP_ISA_AVX2)) == 0u);
    BOOST_TEST(!simd_path_available(SimdPath::Avx512));
    BOOST_TEST(!simd_path_available(SimdPath::Avx2));
    BOOST_TEST(refusal(SimdPath::Avx512).find("--simd avx512: this CPU (or build) cannot run that path; available:") ==
                   0u,
               refusal(SimdPath::Avx512));
    BOOST_TEST(refusal(SimdPath::Avx2).find("--simd avx2: this CPU (or build) cannot run that path") == 0u);
    BOOST_TEST(refusal(SimdPath::Avx512).find("avx2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(auto_takes_the_widest_path_left)
{
    BOOST_TEST((resolve_simd_path(SimdPath::Auto) == available_simd_paths().back()));
    BOOST_TEST((resolve_simd_path(SimdPath::Auto, sizeof(float), 8) == available_simd_paths().back()));
    BOOST_TEST((available_simd_paths().back() != SimdPath::Avx512));
}

BOOST_AUTO_TEST_SUITE_END()
