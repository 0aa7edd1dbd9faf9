// Checks run in child processes: a plugin that crashes or hangs fails its check, with the cause
// named, and the process running the checks (here, the test framework itself) carries on.
#include "conformance.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace cgp::conformance;

namespace {

const fs::path kNonConforming = CGP_NONCONFORMING_PLUGIN_DIR;

Outcome run(const std::string& plugin, std::string_view check, std::chrono::milliseconds timeout = kDefaultTimeout)
{
    const Check* c = find_check(check);
    BOOST_TEST_REQUIRE(c != nullptr);
    return run_check(kNonConforming / plugin, *c, timeout);
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(check_isolation)

BOOST_AUTO_TEST_CASE(a_crash_fails_the_check_and_names_the_signal_and_the_step)
{
    const Outcome o = run("nonconforming_crash.so", "lengths");
    BOOST_TEST((o.status == Status::Fail));
    BOOST_TEST(contains(o.detail, "crashed with SIGSEGV"), o.detail);
    BOOST_TEST(contains(o.detail, "length 0"), o.detail);
}

BOOST_AUTO_TEST_CASE(the_same_crashing_plugin_passes_checks_that_avoid_its_defect)
{
    BOOST_TEST((run("nonconforming_crash.so", "determinism").status == Status::Pass));
}

BOOST_AUTO_TEST_CASE(a_hang_is_stopped_at_the_time_limit)
{
    const auto start = std::chrono::steady_clock::now();
    const Outcome o = run("nonconforming_hang.so", "determinism", std::chrono::milliseconds(500));
    const auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST((o.status == Status::Fail));
    BOOST_TEST(contains(o.detail, "stopped after 0.5 s without finishing"), o.detail);
    BOOST_TEST(took < std::chrono::seconds(5));
}

BOOST_AUTO_TEST_CASE(a_plugin_file_that_does_not_load_fails_with_the_hosts_message)
{
    const Outcome o = run("no_such_plugin.so", "loading");
    BOOST_TEST((o.status == Status::Fail));
    BOOST_TEST(contains(o.detail, "no such file"), o.detail);
}

BOOST_AUTO_TEST_CASE(every_check_has_a_unique_name_and_a_summary)
{
    for (const Check& c : all_checks()) {
        BOOST_TEST(!c.summary.empty(), c.name);
        BOOST_TEST(find_check(c.name) == &c, c.name);
    }
    BOOST_TEST(find_check("no_such_check") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
