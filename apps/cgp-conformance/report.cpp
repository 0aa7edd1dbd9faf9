// cgp-conformance's report: a table for people, JSON for programs, one summary line for both.
#include "report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace cgp::conformance {

namespace {

std::string one_line(std::string text)
{
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

std::string upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

Summary summarize(const std::vector<PluginRecord>& plugins)
{
    Summary s;
    for (const PluginRecord& p : plugins)
        for (const CheckRecord& c : p.checks)
            switch (c.outcome.status) {
            case Status::Pass: ++s.passed; break;
            case Status::Fail: ++s.failed; break;
            case Status::Skip: ++s.skipped; break;
            }
    return s;
}

std::string summary_line(const std::vector<PluginRecord>& plugins)
{
    const Summary s = summarize(plugins);
    return fmt::format("{} check{} on {} plugin{}: {} passed, {} failed, {} skipped", s.total(),
                       s.total() == 1 ? "" : "s", plugins.size(), plugins.size() == 1 ? "" : "s", s.passed, s.failed,
                       s.skipped);
}

std::string table_text(const std::vector<PluginRecord>& plugins)
{
    std::size_t plugin_width = std::string_view("PLUGIN").size();
    std::size_t check_width = std::string_view("CHECK").size();
    for (const PluginRecord& p : plugins)
        plugin_width = std::max(plugin_width, p.display.size());
    for (const Check& c : all_checks())
        check_width = std::max(check_width, c.name.size());
    std::string out =
        fmt::format("{:<{}}  {:<{}}  {:<6}  {}\n", "PLUGIN", plugin_width, "CHECK", check_width, "RESULT", "DETAIL");
    for (const PluginRecord& p : plugins)
        for (const CheckRecord& c : p.checks)
            out += fmt::format("{:<{}}  {:<{}}  {:<6}  {}\n", p.display, plugin_width, c.check, check_width,
                               upper(to_string(c.outcome.status)), one_line(c.outcome.detail));
    out += "\n" + summary_line(plugins) + "\n";
    return out;
}

std::string json_text(const std::vector<PluginRecord>& plugins)
{
    nlohmann::ordered_json j;
    j["plugins"] = nlohmann::ordered_json::array();
    for (const PluginRecord& p : plugins) {
        nlohmann::ordered_json checks = nlohmann::ordered_json::array();
        for (const CheckRecord& c : p.checks)
            checks.push_back({{"name", c.check},
                              {"result", std::string(to_string(c.outcome.status))},
                              {"detail", c.outcome.detail},
                              {"seconds", c.seconds}});
        j["plugins"].push_back({{"plugin", p.spec}, {"path", p.path}, {"checks", std::move(checks)}});
    }
    const Summary s = summarize(plugins);
    j["summary"] = {{"checks", s.total()}, {"passed", s.passed}, {"failed", s.failed}, {"skipped", s.skipped}};
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

// Text for an XML attribute or element: markup escaped, and characters XML 1.0 cannot hold replaced.
std::string xml_escaped(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\n': out += "&#10;"; break;
        case '\t': out += "&#9;"; break;
        default: out += (u < 0x20) ? '?' : c;
        }
    }
    return out;
}

} // namespace

std::string junit_text(const std::vector<PluginRecord>& plugins)
{
    const Summary all = summarize(plugins);
    double total_seconds = 0.0;
    for (const PluginRecord& p : plugins)
        for (const CheckRecord& c : p.checks)
            total_seconds += c.seconds;
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"cgp-conformance\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" "
                       "time=\"{:.3f}\">\n",
                       all.total(), all.failed, all.skipped, total_seconds);
    for (const PluginRecord& p : plugins) {
        const Summary s = summarize({p});
        double seconds = 0.0;
        for (const CheckRecord& c : p.checks)
            seconds += c.seconds;
        const std::string suite = xml_escaped(p.display);
        out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
                           "time=\"{:.3f}\">\n",
                           suite, s.total(), s.failed, s.skipped, seconds);
        if (!p.path.empty())
            out += fmt::format("    <properties><property name=\"path\" value=\"{}\"/></properties>\n",
                               xml_escaped(p.path));
        for (const CheckRecord& c : p.checks) {
            out += fmt::format("    <testcase classname=\"cgp-conformance.{}\" name=\"{}\" time=\"{:.3f}\"", suite,
                               xml_escaped(c.check), c.seconds);
            const std::string detail = xml_escaped(c.outcome.detail);
            switch (c.outcome.status) {
            case Status::Pass:
                out += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n", detail);
                break;
            case Status::Fail:
                out += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                                   detail, xml_escaped(c.check), detail);
                break;
            case Status::Skip:
                out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n", detail);
                break;
            }
        }
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

} // namespace cgp::conformance
