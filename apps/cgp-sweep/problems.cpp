// Benchmark problems: the built-in suites and problem files.
#include "problems.hpp"

#include "../common/cli.hpp"
#include "search.hpp"
#include "text.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>
#include <cgp/language/model.hpp>
#include <cgp/language/ops.hpp>
#include <cgp/training/init.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>

namespace cgp::sweep {
namespace fs = std::filesystem;
namespace {

BenchProblem model_problem(std::string name, const std::string& model, std::uint64_t steps, double target,
                           std::string note)
{
    BenchProblem p;
    p.name = std::move(name);
    p.origin = "suite course";
    p.model_name = model;
    ModelChoice c;
    c.model = model;
    p.model = make_model(c);
    p.steps = steps;
    p.target = target;
    p.note = std::move(note);
    return p;
}

// A problem on a CSV file written into data_dir, with its model text.
BenchProblem csv_problem(const fs::path& data_dir, std::string name, const std::string& model_text,
                         const std::vector<std::string>& labels, const std::string& train,
                         const std::string& validation, const std::string& test)
{
    BenchProblem p;
    p.name = std::move(name);
    p.origin = "suite conformance";
    p.model_name = p.name + " (built in)";
    p.model = parse_model_text(p.name, model_text);
    const fs::path base = data_dir / p.name;
    write_text_file(base.string() + ".csv", train);
    p.data.source = base.string() + ".csv";
    p.data.labels = labels;
    if (!validation.empty()) {
        write_text_file(base.string() + "-validation.csv", validation);
        p.validation = base.string() + "-validation.csv";
    }
    if (!test.empty()) {
        write_text_file(base.string() + "-test.csv", test);
        p.test = base.string() + "-test.csv";
    }
    return p;
}

// Linearly separable points with features of different scales and a plane away from the origin,
// drawn with counter-based normals (Box-Muller) so the files are the same on every machine.
std::string separable_points(std::uint64_t seed, std::size_t n)
{
    std::string out = "xa,xb,y\n";
    for (std::size_t i = 0; i < n; ++i) {
        auto normal = [&](std::uint64_t k) {
            const double u1 = 1.0 - unit_interval(mix64({seed, i, k, 1}));
            const double u2 = unit_interval(mix64({seed, i, k, 2}));
            return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
        };
        const double a = normal(0), b = 3.0 * normal(1);
        const double margin = 1.5 * a - 0.5 * b + 0.25;
        if (std::fabs(margin) < 0.1) // a thin margin
            continue;
        out += fmt::format("{:.6f},{:.6f},{}\n", a, b, margin > 0 ? 1 : 0);
    }
    return out;
}

std::vector<BenchProblem> conformance_suite(const fs::path& data_dir)
{
    std::error_code ec;
    fs::create_directories(data_dir, ec);
    if (!fs::is_directory(data_dir))
        throw Error(fmt::format("cannot create folder '{}': {}", data_dir.string(), ec.message()));
    // Rosenbrock and Booth: the loss is the squared error of two outputs against 0, the sum of the
    // function's squares, on a one-row data set (the input xi only makes the model read data).
    const std::string origin_row = "xi,ta,tb\n0,0,0\n";
    struct Entry {
        const char* name;
        const char* model;
        std::vector<std::string> labels;
        std::string train, validation, test;
        std::uint64_t steps, eval_every;
        std::size_t batch;
        double target;
        const char* note;
    };
    const Entry entries[] = {
        {"rosenbrock",
         "xa = 1 - pa + 0*xi\nxb = 10*(pb - pa^2)\noutput xa xb\n",
         {"ta", "tb"},
         origin_row,
         {},
         {},
         3000,
         25,
         1,
         1e-3,
         "f(a, b) = (1 - a)^2 + 100 (b - a^2)^2 as the squared error of two outputs; minimum 0 at (1, 1)"},
        {"booth",
         "xa = pa + 2*pb - 7 + 0*xi\nxb = 2*pa + pb - 5\noutput xa xb\n",
         {"ta", "tb"},
         origin_row,
         {},
         {},
         1000,
         10,
         1,
         1e-4,
         "f(a, b) = (a + 2b - 7)^2 + (2a + b - 5)^2; minimum 0 at (1, 3)"},
        {"logistic",
         "xo = sigmoid(wa*xa + wb*xb + wc)\n",
         {"y"},
         separable_points(1, 400),
         separable_points(2, 200),
         separable_points(3, 200),
         3000,
         50,
         8,
         0.02,
         "a sigmoid unit on linearly separable points (squared error); validation and test are fresh samples"},
    };
    std::vector<BenchProblem> out;
    for (const Entry& e : entries) {
        BenchProblem p = csv_problem(data_dir, e.name, e.model, e.labels, e.train, e.validation, e.test);
        p.steps = e.steps;
        p.eval_every = e.eval_every;
        p.batch_size = e.batch;
        p.target = e.target;
        p.note = e.note;
        out.push_back(std::move(p));
    }
    return out;
}

// --- problem files ---

struct Line {
    const std::string& origin;
    int number;
    const std::string& text;
    [[noreturn]] void fail(std::size_t column, const std::string& message, const std::string& hint = {}) const
    {
        throw SourceError(origin, {number, static_cast<int>(column) + 1}, text, message, hint);
    }
};

std::string trim(const std::string& s, std::size_t& first)
{
    const auto a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) {
        first = s.size();
        return {};
    }
    first = a;
    return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

std::uint64_t whole(const Line& l, const std::string& v, std::size_t at, std::uint64_t least)
{
    std::uint64_t n = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < least)
        l.fail(at, fmt::format("'{}' is not a whole number of at least {}", v, least));
    return n;
}

double positive(const Line& l, const std::string& v, std::size_t at)
{
    double x = 0.0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(x) || x <= 0)
        l.fail(at, fmt::format("'{}' is not a number above 0", v));
    return x;
}

// `split = T,V,S`: cgp-run's --split fractions, each from 0 to 1, summing to 1; the benchmark
// selects on validation and reports on test, so both are above 0.
std::vector<double> split_fractions(const Line& l, const std::string& v, std::size_t at)
{
    std::vector<double> out;
    for (std::size_t start = 0; start <= v.size();) {
        const std::size_t comma = std::min(v.find(',', start), v.size());
        std::size_t lead = 0;
        const std::string part = trim(v.substr(start, comma - start), lead);
        double x = 0.0;
        const auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), x);
        if (part.empty() || ec != std::errc() || p != part.data() + part.size() || !(x >= 0.0 && x <= 1.0))
            l.fail(at + start + lead, fmt::format("'{}' is not a fraction from 0 to 1", part),
                   "write the training, validation and test fractions, e.g. 'split = 0.6,0.2,0.2'");
        if (out.size() >= 1 && x == 0.0)
            l.fail(at + start + lead, fmt::format("the {} fraction is 0", out.size() == 1 ? "validation" : "test"),
                   "a benchmark selects on the validation split and reports on the test split: give both rows");
        out.push_back(x);
        start = comma + 1;
    }
    if (out.size() != 3)
        l.fail(at, fmt::format("'{}' has {} fraction{}, not three", v, out.size(), out.size() == 1 ? "" : "s"),
               "write the training, validation and test fractions, e.g. 'split = 0.6,0.2,0.2'");
    if (std::abs(out[0] + out[1] + out[2] - 1.0) > 1e-9)
        l.fail(at, fmt::format("the fractions '{}' sum to {:g} instead of 1", v, out[0] + out[1] + out[2]));
    return out;
}

fs::path relative_to(const fs::path& base, const std::string& path)
{
    const fs::path p(path);
    return p.is_absolute() ? p : base / p;
}

const char* kKeys = "model, layers, activation, loss, init, data, labels, standardize, validation, test, "
                    "split, dataset-size, batch-size, steps, target, eval-every, note";

} // namespace

const std::vector<std::string>& suite_names()
{
    static const std::vector<std::string> names{"course", "conformance", "real"};
    return names;
}

std::vector<BenchProblem> suite_problems(const std::string& suite, const fs::path& data_dir)
{
    if (suite == "course")
        return {model_problem("one-neuron", "one-neuron", 2000, 0.1,
                              "CGP's one-neuron model (4 inputs, sigmoid) on its generated two-class data"),
                model_problem("multi-neuron", "multi-neuron", 2000, 0.1,
                              "CGP's multi-neuron model (4-2-1, sigmoid) on its generated two-class data")};
    if (suite == "conformance")
        return conformance_suite(data_dir);
    if (suite == "real")
        return real_suite(data_dir, default_datasets());
    throw cli::UsageError(fmt::format(
        "--suite {}: unknown suite; the suites are course, conformance and real (or --problems FILE)", suite));
}

void apply_fit(const BenchProblem& problem, RunSettings& settings)
{
    settings.loss = problem.loss;
    settings.init = problem.init;
}

std::vector<BenchProblem> parse_problem_text(const std::string& text, const std::string& origin, const fs::path& base)
{
    // What a section declared, for the checks once it ends.
    struct Section {
        int line = 0; // of its header
        std::string header;
        bool has_model = false, has_target = false, has_init = false;
        std::vector<int> layers; // `layers = ...`, with the line that said it
        int layers_line = 0;
        std::string layers_text;
        std::size_t layers_at = 0;
        std::optional<Activation> activation;
        // Where `split` and the held-out files were set, for the checks that they exclude each other.
        int split_line = 0, files_line = 0;
        std::string split_text, files_text;
        std::size_t split_at = 0, files_at = 0;
    };
    std::vector<BenchProblem> out;
    std::vector<Section> sections;
    std::istringstream in(text);
    std::string raw;
    int number = 0;
    auto finish = [&](std::size_t i) {
        Section& sec = sections[i];
        BenchProblem& p = out[i];
        const Line l{origin, sec.line, sec.header};
        if (!sec.layers.empty()) {
            const Line at{origin, sec.layers_line, sec.layers_text};
            if (sec.has_model)
                at.fail(sec.layers_at, fmt::format("problem '{}' has both a model and layers", p.name),
                        "keep one: 'model = PRESET or FILE' or 'layers = N N ...'");
            ModelChoice c;
            c.layers = sec.layers;
            c.activation = sec.activation;
            try {
                p.model = make_model(c);
            } catch (const Error& e) {
                at.fail(sec.layers_at, e.what());
            }
            p.model_name = "layers";
            for (int n : sec.layers)
                p.model_name += fmt::format(" {}", n);
            p.model_name += fmt::format(", {}", to_string(sec.activation.value_or(Activation::Sigmoid)));
            if (!sec.has_init)
                p.init.scheme = InitScheme::Auto; // cgp-run's default for --layers
        } else if (sec.activation) {
            l.fail(0, fmt::format("problem '{}' sets an activation but no layers", p.name),
                   "the activation is of 'layers = N N ...'; a model file writes its own");
        } else if (!sec.has_model) {
            l.fail(0, fmt::format("problem '{}' has no model", p.name),
                   "add a line 'model = PRESET or FILE' or 'layers = N N ...'");
        }
        if (!sec.has_target)
            l.fail(0, fmt::format("problem '{}' has no target", p.name),
                   "add a line 'target = LOSS', the held-out loss a run must reach");
        if (sec.split_line != 0) {
            const Line at{origin, sec.split_line, sec.split_text};
            if (p.data.source == "generated")
                at.fail(sec.split_at, fmt::format("problem '{}' splits generated data", p.name),
                        "split divides a CSV file ('data = FILE.csv'); generated data draws fresh held-out samples");
            if (sec.files_line != 0) {
                const Line files{origin, sec.files_line, sec.files_text};
                (sec.files_line > sec.split_line ? files : at)
                    .fail(sec.files_line > sec.split_line ? sec.files_at : sec.split_at,
                          fmt::format("problem '{}' has both a split and validation or test files", p.name),
                          "keep one: 'split = T,V,S' divides the data file, 'validation'/'test' name files");
            }
        }
        if (p.data.source != "generated" && p.data.labels.empty())
            l.fail(0, fmt::format("problem '{}' reads a CSV file but names no labels", p.name),
                   "add a line 'labels = COLUMN,...'");
    };
    while (std::getline(in, raw)) {
        ++number;
        const Line l{origin, number, raw};
        std::string body = raw.substr(0, raw.find('#'));
        std::size_t first = 0;
        const std::string t = trim(body, first);
        if (t.empty())
            continue;
        if (t.front() == '[') {
            if (t.back() != ']' || !t.starts_with("[problem "))
                l.fail(first, "expected a section '[problem NAME]'");
            std::size_t name_at = 0;
            const std::string name = trim(t.substr(9, t.size() - 10), name_at);
            name_at += first + 9;
            if (name.empty() ||
                name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
                    std::string::npos)
                l.fail(name_at, fmt::format("'{}' is not a problem name", name),
                       "use letters, digits, '-', '_' and '.'");
            for (const BenchProblem& p : out)
                if (p.name == name)
                    l.fail(name_at, fmt::format("problem '{}' is declared twice", name));
            if (!out.empty())
                finish(out.size() - 1);
            BenchProblem p;
            p.name = name;
            p.origin = fmt::format("{}:{}", origin, number);
            out.push_back(std::move(p));
            Section sec;
            sec.line = number;
            sec.header = raw;
            sections.push_back(std::move(sec));
            continue;
        }
        if (out.empty())
            l.fail(first, "a setting before the first '[problem NAME]' section");
        const auto eq = body.find('=');
        if (eq == std::string::npos)
            l.fail(first, "expected KEY = VALUE", fmt::format("the keys are {}", kKeys));
        std::size_t key_at = 0, value_at = 0;
        const std::string key = trim(body.substr(0, eq), key_at);
        const std::string value = trim(body.substr(eq + 1), value_at);
        value_at += eq + 1;
        if (value.empty())
            l.fail(eq + 1, fmt::format("'{}' has no value", key));
        BenchProblem& p = out.back();
        Section& sec = sections.back();
        try {
            if (key == "model") {
                ModelChoice c;
                c.model = is_preset(value) ? value : relative_to(base, value).string();
                p.model = make_model(c);
                p.model_name = value;
                sec.has_model = true;
            } else if (key == "layers") {
                sec.layers.clear();
                for (std::size_t at = value.find_first_not_of(" \t"); at != std::string::npos;) {
                    const std::size_t stop = std::min(value.find_first_of(" \t", at), value.size());
                    const std::uint64_t n = whole(l, value.substr(at, stop - at), value_at + at, 1);
                    if (n > (1u << 20))
                        l.fail(value_at + at,
                               fmt::format("a layer of {} units is too large (at most {})", n, 1u << 20));
                    sec.layers.push_back(static_cast<int>(n));
                    at = value.find_first_not_of(" \t", stop);
                }
                if (sec.layers.size() < 2)
                    l.fail(value_at,
                           fmt::format("'{}': layers need at least two sizes, the inputs and the outputs", value),
                           "write e.g. 'layers = 4 16 3'");
                sec.layers_line = number;
                sec.layers_text = raw;
                sec.layers_at = value_at;
            } else if (key == "activation") {
                sec.activation = parse_activation(value);
            } else if (key == "loss") {
                p.loss = parse_loss(value);
            } else if (key == "init") {
                parse_init(value, p.init);
                sec.has_init = true;
            } else if (key == "data") {
                p.data.source = value == "generated" ? value : relative_to(base, value).string();
            } else if (key == "labels") {
                p.data.labels.clear();
                std::stringstream ss(value);
                for (std::string item; std::getline(ss, item, ',');) {
                    std::size_t at = 0;
                    if (const std::string label = trim(item, at); !label.empty())
                        p.data.labels.push_back(label);
                }
            } else if (key == "standardize") {
                if (value != "yes" && value != "no")
                    l.fail(value_at, fmt::format("'{}': write yes or no", value));
                p.data.standardize = value == "yes";
            } else if (key == "validation" || key == "test") {
                (key == "validation" ? p.validation : p.test) = relative_to(base, value).string();
                if (sec.files_line == 0) {
                    sec.files_line = number;
                    sec.files_text = raw;
                    sec.files_at = key_at;
                }
            } else if (key == "split") {
                p.split = split_fractions(l, value, value_at);
                sec.split_line = number;
                sec.split_text = raw;
                sec.split_at = key_at;
            } else if (key == "dataset-size") {
                p.data.dataset_size = static_cast<std::size_t>(whole(l, value, value_at, 2));
                p.data.dataset_size_given = true;
            } else if (key == "batch-size") {
                p.batch_size = static_cast<std::size_t>(whole(l, value, value_at, 1));
            } else if (key == "steps") {
                p.steps = whole(l, value, value_at, 1);
            } else if (key == "eval-every") {
                p.eval_every = whole(l, value, value_at, 1);
            } else if (key == "target") {
                p.target = positive(l, value, value_at);
                sec.has_target = true;
            } else if (key == "note") {
                p.note = value;
            } else {
                l.fail(key_at, fmt::format("unknown key '{}'", key), fmt::format("the keys are {}", kKeys));
            }
        } catch (const SourceError&) {
            throw;
        } catch (const Error& e) {
            l.fail(value_at, e.what());
        }
    }
    if (out.empty())
        throw SourceError(origin, {number + 1, 1}, "", "the file declares no problem",
                          "start a problem with a line '[problem NAME]'");
    finish(out.size() - 1);
    return out;
}

std::vector<BenchProblem> read_problem_file(const fs::path& path)
{
    return parse_problem_text(read_input_file(path, "problem file", kConfigFileLimit), path.string(),
                              path.has_parent_path() ? path.parent_path() : fs::path("."));
}

} // namespace cgp::sweep
