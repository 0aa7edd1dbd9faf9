// Every plugin in the plugin folder through every conformance check, one data-driven test case per
// plugin file, so the test suite fails as soon as one of our plugins stops conforming.
#include "conformance.hpp"

#include <boost/mpl/bool.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
namespace data = boost::unit_test::data;
using namespace cgp::conformance;

namespace {

// The folder given after `--` on the command line, else the build's plugin folder.
fs::path plugin_folder()
{
    const auto& suite = boost::unit_test::framework::master_test_suite();
    return suite.argc > 1 ? fs::path(suite.argv[1]) : fs::path(CGP_PLUGIN_DIR);
}

std::vector<std::string> plugin_files()
{
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(plugin_folder(), ec))
        if (entry.is_regular_file() && entry.path().extension() == ".so")
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

// The plugin files as a Boost.Test dataset, listed when the test tree is built (after the command line
// is parsed, through make_delayed).
struct PluginFiles {
    enum { arity = 1 };
    std::vector<std::string> files = plugin_files();
    std::size_t size() const { return files.size(); }
    auto begin() const { return files.begin(); }
};

} // namespace

namespace boost::unit_test::data::monomorphic {
template <>
struct is_dataset<PluginFiles> : boost::mpl::true_ {
};
} // namespace boost::unit_test::data::monomorphic

BOOST_AUTO_TEST_SUITE(plugin_conformance)

BOOST_AUTO_TEST_CASE(plugin_folder_holds_at_least_one_plugin)
{
    BOOST_TEST(!plugin_files().empty(), "no *.so file in " << plugin_folder());
}

BOOST_DATA_TEST_CASE(plugin_passes_every_conformance_check, data::make_delayed<PluginFiles>(), plugin_file)
{
    // The time limit catches a step that never returns; a sanitizer build runs every step several
    // times slower, so its limit is scaled (CGP_TEST_TIME_SCALE, from the build's CGP_SANITIZE).
    const auto timeout = kDefaultTimeout * CGP_TEST_TIME_SCALE;
    for (const Check& check : all_checks()) {
        const Outcome outcome = run_check(plugin_file, check, timeout);
        BOOST_TEST((outcome.status != Status::Fail), check.name << " failed: " << outcome.detail);
    }
}

BOOST_AUTO_TEST_SUITE_END()
