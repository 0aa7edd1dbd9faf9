// The built-in surfaces (closed-form values and gradients) and expression surfaces (through the tape).
#include "surface.hpp"

#include <cgp/graph/graph.hpp>
#include <cgp/io/error.hpp>
#include <cgp/language/model.hpp>
#include <cgp/tape/tape.hpp>

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <memory>
#include <numbers>

namespace cgp::path {
namespace {

using Point = std::array<double, 2>;

struct Builtin {
    const char* name;
    const char* formula;
    std::array<double, 4> box;
    Point start;
    std::size_t steps;
    std::vector<std::string> optimizers;
    double (*evaluate)(const Point& p, Point& g);
};

double saddle(const Point& p, Point& g)
{
    g = {2 * p[0], -2 * p[1]};
    return p[0] * p[0] - p[1] * p[1];
}

double monkey_saddle(const Point& p, Point& g)
{
    const double x = p[0], y = p[1];
    g = {3 * x * x - 3 * y * y, -6 * x * y};
    return x * x * x - 3 * x * y * y;
}

double rosenbrock(const Point& p, Point& g)
{
    const double x = p[0], y = p[1], r = y - x * x;
    g = {-2 * (1 - x) - 400 * x * r, 200 * r};
    return (1 - x) * (1 - x) + 100 * r * r;
}

double beale(const Point& p, Point& g)
{
    const double x = p[0], y = p[1];
    const double a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
    g = {2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1),
         2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y};
    return a * a + b * b + c * c;
}

double himmelblau(const Point& p, Point& g)
{
    const double x = p[0], y = p[1], a = x * x + y - 11, b = x + y * y - 7;
    g = {4 * x * a + 2 * b, 2 * a + 4 * y * b};
    return a * a + b * b;
}

double booth(const Point& p, Point& g)
{
    const double x = p[0], y = p[1], a = x + 2 * y - 7, b = 2 * x + y - 5;
    g = {2 * a + 4 * b, 4 * a + 2 * b};
    return a * a + b * b;
}

// Condition number 20: the elongated valley where momentum outruns plain SGD.
double quadratic(const Point& p, Point& g)
{
    g = {p[0] / 10, 2 * p[1]};
    return p[0] * p[0] / 20 + p[1] * p[1];
}

double rastrigin(const Point& p, Point& g)
{
    constexpr double tau = 2 * std::numbers::pi;
    double f = 20;
    for (int i = 0; i < 2; ++i) {
        f += p[i] * p[i] - 10 * std::cos(tau * p[i]);
        g[i] = 2 * p[i] + 10 * tau * std::sin(tau * p[i]);
    }
    return f;
}

const std::vector<Builtin>& builtins()
{
    static const std::vector<Builtin> all{
        {"quadratic",
         "x^2/20 + y^2",
         {-10, 2, -3, 3},
         {-9, 2.5},
         150,
         {"sgd lr=0.05", "sgdplus lr=0.05 momentum=0.9"},
         &quadratic},
        {"saddle",
         "x^2 - y^2",
         {-2, 2, -2, 2},
         {1.8, 0.001},
         400,
         {"sgd lr=0.01", "sgdplus lr=0.01 momentum=0.9"},
         &saddle},
        {"monkey-saddle",
         "x^3 - 3 x y^2",
         {-1.5, 1.5, -1.5, 1.5},
         {1.2, 0.05},
         300,
         {"sgd lr=0.01", "sgdplus lr=0.01 momentum=0.9"},
         &monkey_saddle},
        {"rosenbrock",
         "(1-x)^2 + 100 (y-x^2)^2",
         {-2, 2, -1, 3},
         {-1.5, 2.5},
         3000,
         {"sgd lr=1e-3", "sgdplus lr=1e-4 momentum=0.9", "adam lr=0.02"},
         &rosenbrock},
        {"beale",
         "(1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2",
         {-4.5, 4.5, -4.5, 4.5},
         {1, 1.5},
         2000,
         {"sgd lr=1e-3", "sgdplus lr=1e-3 momentum=0.9", "adam lr=0.05"},
         &beale},
        {"himmelblau",
         "(x^2+y-11)^2 + (x+y^2-7)^2",
         {-5, 5, -5, 5},
         {-0.5, 0.5},
         500,
         {"sgd lr=1e-3", "sgdplus lr=1e-3 momentum=0.9", "adam lr=0.1"},
         &himmelblau},
        {"booth",
         "(x+2y-7)^2 + (2x+y-5)^2",
         {-10, 10, -10, 10},
         {-8, 8},
         300,
         {"sgd lr=0.01", "sgdplus lr=0.01 momentum=0.9", "adam lr=0.5"},
         &booth},
        {"rastrigin",
         "20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y)",
         {-5.12, 5.12, -5.12, 5.12},
         {3.3, -2.7},
         300,
         {"sgd lr=1e-3", "sgdplus lr=1e-3 momentum=0.9", "adam lr=0.1"},
         &rastrigin},
    };
    return all;
}

} // namespace

std::string surface_names()
{
    std::string names;
    for (const Builtin& b : builtins())
        names += (names.empty() ? "" : " ") + std::string(b.name);
    return names;
}

Surface make_surface(std::string_view text)
{
    for (const Builtin& b : builtins())
        if (text == b.name) {
            Surface s;
            s.name = b.name;
            s.formula = b.formula;
            s.box = b.box;
            s.start = b.start;
            s.steps = b.steps;
            s.optimizers = b.optimizers;
            s.evaluate = b.evaluate;
            return s;
        }
    const bool word = !text.empty() && std::isalpha(static_cast<unsigned char>(text.front())) &&
                      text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                          std::string_view::npos;
    if (word)
        throw Error(fmt::format("--surface {}: no such surface; the built-in surfaces are: {}\nhint: or write a "
                                "function of two parameters, e.g. --surface \"f = (1-a)^2 + 100*(b-a^2)^2\"",
                                text, surface_names()));
    return expression_surface(text);
}

Surface expression_surface(std::string_view text)
{
    // "f = EXPR" or "EXPR": the statement becomes "xf = EXPR" (a defined variable starts with 'x').
    std::string statement(text);
    const std::size_t eq = statement.find('=');
    std::string lhs = eq == std::string::npos ? std::string() : statement.substr(0, eq);
    lhs.erase(0, lhs.find_first_not_of(" \t"));
    lhs.erase(lhs.find_last_not_of(" \t") + 1);
    const bool named = !lhs.empty() && lhs.find_first_of(" \t()+-*/^") == std::string::npos;
    if (!named)
        statement = "xf = " + statement;
    else if (!is_variable_name(lhs))
        statement = "x" + lhs + " = " + statement.substr(eq + 1);
    const ModelSpec spec = expr_model({statement});
    auto graph = std::make_shared<const Graph>(build_graph(spec));
    if (!graph->inputs.empty())
        throw Error(fmt::format("--surface {}: uses the input variable '{}'; a surface is a function of two "
                                "parameters only\nhint: names starting with 'x' are variables; call the parameters "
                                "a and b (or any names not starting with x)",
                                text, graph->inputs.front()));
    if (graph->outputs.size() != 1)
        throw Error(
            fmt::format("--surface {}: defines {} outputs; a surface is one expression", text, graph->outputs.size()));
    if (graph->params.size() != 2) {
        std::string names;
        for (const std::string& p : graph->params)
            names += (names.empty() ? "" : ", ") + p;
        throw Error(fmt::format("--surface {}: has {} parameter{}{}; a surface needs exactly two (its x and y "
                                "axes)\nhint: e.g. --surface \"f = (1-a)^2 + 100*(b-a^2)^2\"",
                                text, graph->params.size(), graph->params.size() == 1 ? "" : "s",
                                names.empty() ? "" : " (" + names + ")"));
    }
    Surface s;
    s.name = "expression";
    s.formula = std::string(text);
    s.axes = {graph->params[0], graph->params[1]};
    s.box = {-2, 2, -2, 2};
    s.start = {-1.5, 1.5};
    s.steps = 300;
    s.optimizers = {"sgd lr=1e-3", "sgdplus lr=1e-3 momentum=0.9", "adam lr=0.05"};
    // A batch of one sample and no inputs. The tape's loss is (f - t)^2 with gradient 2 (f - t) df:
    // the first pass gives f (t = 0), the second, with t = f - c, the gradient scaled by 2 (f - t).
    auto tape = std::make_shared<Tape<double>>(*graph, 1);
    const int output = graph->output_nodes.front();
    s.evaluate = [graph, tape, output](const Point& p, Point& g) {
        tape->params()[0] = p[0];
        tape->params()[1] = p[1];
        tape->target(0)[0] = 0.0;
        tape->forward();
        const double f = tape->value(output, 0);
        if (!std::isfinite(f)) {
            g = {NAN, NAN};
            return f;
        }
        const double c = std::max(1.0, std::abs(f));
        tape->target(0)[0] = f - c;
        tape->forward_backward();
        const double scale = 2.0 * (f - tape->target(0)[0]);
        g = {tape->grads()[0] / scale, tape->grads()[1] / scale};
        return f;
    };
    return s;
}

} // namespace cgp::path
