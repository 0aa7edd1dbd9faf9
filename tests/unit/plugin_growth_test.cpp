// abi.h's growth rule in the host: a plugin built against the frozen 1.0 header and one from a later
// minor both load; extensions are checked by version and size; files that are not plugins for this
// machine are refused from their ELF headers; and (suite plugin_refusal, run with
// CGP_ISA_DISABLE=avx2) a plugin refused for its ABI major or its instruction sets never runs code.
#include <cgp/host/extension.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/io/error.hpp>

#include <boost/test/unit_test.hpp>

#include "plugin_load_errors.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;
const fs::path kTest = CGP_TEST_PLUGIN_DIR;

using test::contains;
using test::load_error;

// A scratch folder of this test's own, emptied first.
fs::path scratch(const std::string& name)
{
    const fs::path dir = fs::temp_directory_path() / ("cgp-growth-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::vector<char> bytes_of(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path write_bytes(const fs::path& path, const std::vector<char>& bytes)
{
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

} // namespace

BOOST_AUTO_TEST_SUITE(plugin_growth)

BOOST_AUTO_TEST_CASE(a_plugin_built_against_the_frozen_1_0_header_loads_with_no_extensions)
{
    const auto p = Plugin::load(kTest / "sgdm_1_0.so");
    BOOST_TEST(p->abi_major() == 1u);
    BOOST_TEST(p->abi_minor() == 0u);
    BOOST_TEST(p->descriptor().struct_size == CGP_DESCRIPTOR_SIZE_1_0);
    BOOST_TEST(p->descriptor().get_extension == nullptr); // absent: its default
    BOOST_TEST(p->raw_extension(CGP_EXT_INITIAL_STATE) == nullptr);
    BOOST_TEST(p->algorithm() == "sgd-momentum");
    PluginOptimizer opt(p, p->defaults());
    BOOST_TEST(opt.initial_state().all_zero());
}

BOOST_AUTO_TEST_CASE(a_plugin_of_a_later_minor_with_a_larger_descriptor_loads_and_its_tail_is_ignored)
{
    const auto p = Plugin::load(kTest / "growth_abi_later.so");
    BOOST_TEST(p->abi_minor() == CGP_ABI_MINOR + 1);
    BOOST_TEST(p->descriptor().struct_size > sizeof(cgp_optimizer_descriptor));
    BOOST_TEST(p->algorithm() == "future-algorithm"); // a name this cgp has no reference for
    // Its cgp.initial_state/1: the one state array starts at 0.25.
    PluginOptimizer opt(p, p->defaults());
    BOOST_TEST(opt.initial_state().kind(0) == CGP_INITIAL_CONSTANT);
    BOOST_TEST(opt.initial_state().value(0) == 0.25);
    std::vector<AlignedArray<float>> state;
    state.emplace_back(5);
    const std::vector<float> params(5, 3.0f);
    opt.initialize_state(params, state);
    for (std::size_t i = 0; i < 5; ++i)
        BOOST_TEST(state[0][i] == 0.25f);
    BOOST_TEST(p->raw_extension("cgp.no_such_extension/1") == nullptr);
}

BOOST_AUTO_TEST_CASE(an_extension_struct_of_an_unknown_version_or_too_small_is_refused_naming_it)
{
    const std::string version = load_error(kTest / "growth_ext_bad_version.so");
    BOOST_TEST(contains(version, "growth_ext_bad_version.so': extension 'cgp.initial_state/1': the struct says "
                                 "version 2, this cgp knows version 1"));
    BOOST_TEST(contains(version, "hint:"));
    BOOST_TEST(contains(load_error(kTest / "growth_ext_too_small.so"),
                        "extension 'cgp.initial_state/1': struct_size 8 is smaller than this cgp's 16"));
    BOOST_TEST(contains(load_error(kTest / "growth_tensor_hparams_bad_version.so"),
                        "extension 'cgp.tensor_hparams/1': the struct says version 3, this cgp knows version 1"));
}

BOOST_AUTO_TEST_CASE(an_unknown_initial_state_kind_is_refused_before_the_run)
{
    const auto p = Plugin::load(kTest / "growth_bad_initial_kind.so");
    try {
        PluginOptimizer opt(p, p->defaults());
        BOOST_FAIL("accepted initial kind 9");
    } catch (const Error& e) {
        BOOST_TEST(contains(e.what(), "state array 0 has initial kind 9"));
    }
}

BOOST_AUTO_TEST_CASE(a_plugin_for_abi_2_is_refused)
{
    BOOST_TEST(
        contains(load_error(kTest / "broken_wrong_abi.so"), "built for plugin ABI 2.0, this cgp speaks ABI 1.x"));
}

BOOST_AUTO_TEST_CASE(truncated_wrong_class_wrong_endianness_and_symbol_less_files_are_refused_naming_the_path)
{
    const fs::path dir = scratch("elf");
    const std::vector<char> good = bytes_of(kPlugins / "sgd.so");
    BOOST_REQUIRE(good.size() > 4096);

    const fs::path cut = write_bytes(dir / "truncated.so", {good.begin(), good.begin() + 2000});
    const std::string truncated = load_error(cut);
    BOOST_TEST(contains(truncated, "truncated.so': cannot be loaded as a shared library (truncated ELF file"));
    BOOST_TEST(contains(truncated, "hint:"));

    std::vector<char> bytes = good;
    bytes[4] = 1; // EI_CLASS: ELFCLASS32
    BOOST_TEST(contains(load_error(write_bytes(dir / "class32.so", bytes)),
                        "class32.so': cannot be loaded as a shared library (an ELF file of class 32-bit, not 64-bit"));
    bytes = good;
    bytes[5] = 2; // EI_DATA: ELFDATA2MSB
    BOOST_TEST(contains(load_error(write_bytes(dir / "big_endian.so", bytes)),
                        "big_endian.so': cannot be loaded as a shared library (a big-endian ELF file"));
    bytes = good;
    bytes[18] = 3; // e_machine: EM_386
    bytes[19] = 0;
    BOOST_TEST(contains(load_error(write_bytes(dir / "i386.so", bytes)),
                        "i386.so': cannot be loaded as a shared library (built for ELF machine 3, this is"));
    BOOST_TEST(contains(load_error(write_bytes(dir / "header_only.so", {good.begin(), good.begin() + 10})),
                        "header_only.so': cannot be loaded as a shared library (truncated ELF file"));
    BOOST_TEST(contains(load_error(kTest / "broken_no_entry.so"),
                        "broken_no_entry.so': no entry symbol 'cgp_plugin_entry': not a cgp optimizer plugin"));
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

// Run with CGP_ISA_DISABLE=avx2 (tests/CMakeLists.txt): the host then believes the CPU lacks AVX2.
BOOST_AUTO_TEST_SUITE(plugin_refusal)

BOOST_AUTO_TEST_CASE(plugins_refused_for_their_abi_major_or_instruction_sets_never_run_their_constructors)
{
    BOOST_REQUIRE(std::getenv("CGP_ISA_DISABLE") != nullptr);
    const fs::path dir = scratch("marker");
    const fs::path marker = dir / "constructor-ran";
    ::setenv("CGP_TEST_MARKER", marker.c_str(), 1);

    BOOST_TEST(contains(load_error(kTest / "growth_abi_7.so"), "built for plugin ABI 7.0, this cgp speaks ABI 1.x"));
    BOOST_TEST(!fs::exists(marker));
    BOOST_TEST(contains(load_error(kTest / "growth_needs_avx2.so"), "needs instructions this CPU lacks: avx2"));
    BOOST_TEST(!fs::exists(marker));

    // The same source, accepted: its constructor runs and writes the marker.
    Plugin::load(kTest / "growth_abi_later.so");
    BOOST_TEST(fs::exists(marker));
    ::unsetenv("CGP_TEST_MARKER");
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
