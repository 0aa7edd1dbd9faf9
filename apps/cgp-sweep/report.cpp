// The benchmark report as Markdown and HTML, from one list of blocks.
#include "report.hpp"

#include "profiles.hpp"
#include "text.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/io/escape.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>

namespace cgp::sweep {
namespace fs = std::filesystem;
namespace {

struct Block {
    enum Kind { Heading, Paragraph, TableBlock, Figure, List } kind = Paragraph;
    std::string text;               // heading, paragraph; figure: the caption
    Table table;                    // TableBlock
    std::string image;              // Figure: path relative to the report; empty when not rendered
    std::string script;             // Figure: the gnuplot script's relative path
    std::vector<std::string> items; // List
};

// A column of numbers ("0.25", "2/5", "1.5e-3 ± ...", "-", "missed"), right-aligned in the report.
bool numeric_column(const Table& t, std::size_t c)
{
    for (std::size_t r = 1; r < t.size(); ++r) {
        const std::string& v = c < t[r].size() ? t[r][c] : std::string();
        const bool number =
            !v.empty() && (std::isdigit(static_cast<unsigned char>(v[0])) ||
                           (v.size() > 1 && v[0] == '-' && std::isdigit(static_cast<unsigned char>(v[1]))));
        if (!number && v != "-" && v != "missed")
            return false;
    }
    return t.size() > 1;
}

std::string markdown(const std::vector<Block>& blocks)
{
    std::string out;
    for (const Block& b : blocks) {
        switch (b.kind) {
        case Block::Heading: out += "## " + markdown_text(b.text) + "\n\n"; break;
        case Block::Paragraph: out += markdown_text(b.text) + "\n\n"; break;
        case Block::List:
            for (const std::string& i : b.items)
                out += "- " + markdown_text(i) + "\n";
            out += "\n";
            break;
        case Block::TableBlock:
            for (std::size_t r = 0; r < b.table.size(); ++r) {
                out += "|";
                for (const std::string& c : b.table[r])
                    out += " " + markdown_text(c) + " |";
                out += "\n";
                if (r == 0) {
                    out += "|";
                    for (std::size_t c = 0; c < b.table[0].size(); ++c)
                        out += numeric_column(b.table, c) ? "--:|" : "---|";
                    out += "\n";
                }
            }
            out += "\n";
            break;
        case Block::Figure:
            if (!b.image.empty())
                out += fmt::format("![{}](<{}>)\n\n", markdown_text(b.text), b.image);
            else
                out += fmt::format("{} (not rendered: gnuplot was not on PATH; script: [{}](<{}>))\n\n",
                                   markdown_text(b.text), markdown_text(b.script), b.script);
            break;
        }
    }
    return out;
}

std::string html(const std::vector<Block>& blocks, const std::string& title)
{
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_text(title) +
        "</title>\n<style>\n"
        "body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}\n"
        "table{border-collapse:collapse;margin:1em 0;font-size:90%}\n"
        "th,td{border:1px solid #ccc;padding:.25em .5em}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
        "th{background:#f3f3f3}img{max-width:100%}figure{margin:1em 0}\n"
        "</style>\n</head>\n<body>\n<h1>" +
        html_text(title) + "</h1>\n";
    for (const Block& b : blocks) {
        switch (b.kind) {
        case Block::Heading: out += "<h2>" + html_text(b.text) + "</h2>\n"; break;
        case Block::Paragraph: out += "<p>" + html_text(b.text) + "</p>\n"; break;
        case Block::List:
            out += "<ul>\n";
            for (const std::string& i : b.items)
                out += "<li>" + html_text(i) + "</li>\n";
            out += "</ul>\n";
            break;
        case Block::TableBlock:
            out += "<table>\n";
            for (std::size_t r = 0; r < b.table.size(); ++r) {
                out += "<tr>";
                for (std::size_t c = 0; c < b.table[r].size(); ++c)
                    out += r == 0                       ? "<th>" + html_text(b.table[r][c]) + "</th>"
                           : numeric_column(b.table, c) ? "<td class=\"n\">" + html_text(b.table[r][c]) + "</td>"
                                                        : "<td>" + html_text(b.table[r][c]) + "</td>";
                out += "</tr>\n";
            }
            out += "</table>\n";
            break;
        case Block::Figure:
            if (!b.image.empty())
                out += "<figure><img src=\"" + html_text(b.image) + "\" alt=\"" + html_text(b.text) +
                       "\"><figcaption>" + html_text(b.text) + "</figcaption></figure>\n";
            else
                out += "<p>" + html_text(b.text) + " (not rendered: gnuplot was not on PATH; script: <a href=\"" +
                       html_text(b.script) + "\">" + html_text(b.script) + "</a>)</p>\n";
            break;
        }
    }
    return out + "</body>\n</html>\n";
}

Block paragraph(std::string text)
{
    Block b;
    b.text = std::move(text);
    return b;
}
Block heading(std::string text)
{
    Block b;
    b.kind = Block::Heading;
    b.text = std::move(text);
    return b;
}
Block table(Table t)
{
    Block b;
    b.kind = Block::TableBlock;
    b.table = std::move(t);
    return b;
}

std::string json_of(const BenchSpec& spec, const BenchOutcome& outcome, const std::vector<CellScore>& scores,
                    const std::string& command)
{
    using json = nlohmann::ordered_json;
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    auto m = [&](const Measure& x) {
        return json{
            {"count", x.count}, {"mean", num(x.mean)}, {"sd", num(x.sd)}, {"ci95", {num(x.ci_low), num(x.ci_high)}}};
    };
    json j;
    j["command"] = command;
    j["method"] = spec.method == Method::Random ? "random" : "halving";
    j["budget"] = spec.budget;
    j["seeds"] = spec.seeds;
    j["seed"] = spec.seed;
    j["jobs"] = outcome.jobs;
    j["wall_seconds"] = outcome.wall_seconds;
    j["trials_run"] = outcome.trials_run;
    j["trials_from_journal"] = outcome.trials_reused;
    j["cells"] = json::array();
    for (std::size_t c = 0; c < outcome.cells.size(); ++c) {
        const Cell& cell = outcome.cells[c];
        const CellScore& s = scores[c];
        j["cells"].push_back({{"problem", spec.problems[cell.problem].name},
                              {"optimizer", spec.optimizers[cell.optimizer]->id()},
                              {"trials", cell.configurations},
                              {"tuning_steps", cell.tuning_steps},
                              {"chosen", s.chosen},
                              {"hyperparameters", cell.tuning[cell.chosen].hparams},
                              {"reached", s.reached},
                              {"median_steps_to_target", num(s.median_steps)},
                              {"steps_to_target", m(s.steps)},
                              {"seconds_to_target", m(s.seconds)},
                              {"final_test_loss", m(s.final_loss)},
                              {"best_test_loss", m(s.best_loss)},
                              {"auc", m(s.auc)}});
    }
    return json_text(j, 2) + "\n";
}

} // namespace

std::string html_text(std::string_view text)
{
    std::string out;
    for (char c : valid_utf8(text)) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string markdown_text(std::string_view text)
{
    std::string out;
    for (char c : valid_utf8(text)) {
        if (c == '\n' || c == '\r')
            out += ' ';
        else if (std::string_view("\\`*_{}[]<>()#+-!|~&").find(c) != std::string_view::npos)
            out += std::string("\\") + c;
        else
            out += c;
    }
    return out;
}

std::string bench_csv(const BenchSpec& spec, const BenchOutcome& outcome, const std::vector<CellScore>& scores)
{
    std::string out =
        "problem,optimizer,trials,tuning_steps,chosen,reached,seeds,median_steps_to_target,"
        "steps_to_target,steps_to_target_sd,final_test_loss,final_test_loss_sd,final_ci_low,final_ci_high,"
        "best_test_loss,auc,seconds_to_target\n";
    auto num = [](double v) { return std::isfinite(v) ? fmt::format("{:.17g}", v) : std::string(); };
    for (std::size_t c = 0; c < outcome.cells.size(); ++c) {
        const Cell& cell = outcome.cells[c];
        const CellScore& s = scores[c];
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                           csv_field(spec.problems[cell.problem].name),
                           csv_field(spec.optimizers[cell.optimizer]->id()), cell.configurations, cell.tuning_steps,
                           csv_field(s.chosen), s.reached, cell.finals.size(), num(s.median_steps), num(s.steps.mean),
                           num(s.steps.sd), num(s.final_loss.mean), num(s.final_loss.sd), num(s.final_loss.ci_low),
                           num(s.final_loss.ci_high), num(s.best_loss.mean), num(s.auc.mean), num(s.seconds.mean));
    }
    return out;
}

ReportFiles write_report(const fs::path& dir, const BenchSpec& spec, const BenchOutcome& outcome,
                         const std::vector<std::string>& formats, const std::string& command, unsigned jobs, bool quiet)
{
    const std::vector<CellScore> scores = score_cells(spec, outcome);
    std::vector<Block> blocks;
    blocks.push_back(paragraph(fmt::format(
        "{} problems, {} optimizers. Tuning: {} with {} configurations per optimizer and problem, selected on the "
        "validation split; measures: the chosen configuration on {} seeds on the test split (mean ± sd [95% bootstrap "
        "CI]). Wall time {:.1f} s on {} thread{}, {} trials run, {} read from the journal.",
        spec.problems.size(), spec.optimizers.size(),
        spec.method == Method::Random ? "random search" : fmt::format("successive halving (eta {})", spec.eta),
        spec.budget, spec.seeds, outcome.wall_seconds, outcome.jobs, outcome.jobs == 1 ? "" : "s", outcome.trials_run,
        outcome.trials_reused)));
    blocks.push_back(paragraph("Command: " + command));
    blocks.push_back(heading("Problems"));
    Table problems{{"problem", "origin", "model", "steps", "target", "about"}};
    for (const BenchProblem& p : spec.problems)
        problems.push_back(
            {p.name, p.origin, p.model_name, fmt::format("{}", p.steps), fmt::format("{:g}", p.target), p.note});
    blocks.push_back(table(problems));
    blocks.push_back(heading("Results"));
    blocks.push_back(table(results_table(spec, outcome, scores)));
    const auto notes = spread_notes(spec, scores);
    if (!notes.empty()) {
        Block l;
        l.kind = Block::List;
        l.items = notes;
        blocks.push_back(paragraph("Differences within the seed spread:"));
        blocks.push_back(l);
    }
    blocks.push_back(heading("Performance profile"));
    blocks.push_back(table(profile_table(spec, scores)));
    blocks.push_back(paragraph(profile_summary(spec, scores)));

    std::vector<SweepFigure> figures;
    auto add_figure = [&](SweepFigure f) {
        Block b;
        b.kind = Block::Figure;
        b.text = f.caption;
        b.script = "plots/" + f.stem + ".gp";
        blocks.push_back(b);
        figures.push_back(std::move(f));
    };
    if (!formats.empty())
        add_figure(profile_figure(spec, scores));
    blocks.push_back(heading("Timing (machine-dependent)"));
    blocks.push_back(table(timing_table(spec, outcome, scores)));
    blocks.push_back(paragraph("Performance profile of the median training seconds to the target, as AlgoPerf times "
                               "it: a step's cost counts (line searches, extra gradients), and so does the machine."));
    blocks.push_back(table(profile_table(spec, scores, TimeTo::Seconds)));
    blocks.push_back(paragraph(profile_summary(spec, scores, TimeTo::Seconds)));
    if (!formats.empty()) {
        add_figure(profile_figure(spec, scores, TimeTo::Seconds));
        blocks.push_back(heading("Test-loss curves"));
        for (SweepFigure& f : curve_figures(spec, outcome))
            add_figure(std::move(f));
        blocks.push_back(heading("Sensitivity"));
        for (SweepFigure& f : sensitivity_figures(spec, outcome))
            add_figure(std::move(f));
    }
    ReportFiles files;
    if (!figures.empty()) {
        std::error_code ec;
        fs::create_directories(dir / "plots", ec);
        files.unrendered = write_sweep_figures(figures, dir / "plots", formats, quiet, jobs);
        files.figures = figures.size();
        const std::string ext =
            std::find(formats.begin(), formats.end(), "svg") != formats.end() ? "svg" : formats.front();
        if (!files.unrendered)
            for (Block& b : blocks)
                if (b.kind == Block::Figure)
                    b.image = b.script.substr(0, b.script.size() - 3) + "." + ext;
    }
    write_text_file(dir / "report.md", "# cgp-sweep benchmark\n\n" + markdown(blocks));
    write_text_file(dir / "report.html", html(blocks, "cgp-sweep benchmark"));
    write_text_file(dir / "table.txt", results_text(spec, outcome, scores));
    write_text_file(dir / "results.csv", bench_csv(spec, outcome, scores));
    write_text_file(dir / "results.json", json_of(spec, outcome, scores, command));
    return files;
}

} // namespace cgp::sweep
