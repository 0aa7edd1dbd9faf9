// Drawing a model: edges and their labels from the graph's statements, DOT text, rendering with dot.
#include <cgp/io/atomic_file.hpp>
#include <cgp/report/draw.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/escape.hpp>
#include <cgp/report/plot.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <unordered_map>

namespace cgp {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kLongestTextLabel = 24; // longer term texts become a parameter list

int precedence(Op op) noexcept
{
    return op_info(op).precedence;
}

// One statement's expression, read back from the graph: variable references are the leaves.
class StatementReader {
public:
    StatementReader(const Graph& g, int own_root) : g_(g), own_root_(own_root)
    {
        for (std::size_t i = 0; i < g.variables.size(); ++i)
            names_.emplace(g.variable_nodes[i], g.variables[i]);
    }

    // The variable a node stands for in this statement, or nullptr when it is an expression.
    const std::string* variable(int id) const
    {
        const Node& n = node(id);
        if (n.op == Op::Input)
            return &g_.inputs[static_cast<std::size_t>(n.index)];
        if (id == own_root_)
            return nullptr;
        const auto it = names_.find(id);
        return it == names_.end() ? nullptr : &it->second;
    }

    std::string text(int id) const
    {
        if (const std::string* v = variable(id))
            return *v;
        const Node& n = node(id);
        const int p = precedence(n.op);
        // Left operands need at least this precedence, right operands more for - / ^.
        auto sub = [&](int child, int need) {
            const std::string t = text(child);
            return variable(child) == nullptr && precedence(node(child).op) < need ? "(" + t + ")" : t;
        };
        const OpInfo& info = op_info(n.op);
        const int left = p + (info.tighter == Tighter::Left ? 1 : 0);
        const int right = p + (info.tighter == Tighter::Right ? 1 : 0);
        if (n.op == Op::Const)
            return fmt::format("{:g}", n.value);
        if (info.arity == 0)
            return n.label;
        if (info.arity == 2)
            return sub(n.a, left) + std::string(info.symbol) + sub(n.b, right);
        if (info.symbol.empty())
            return std::string(info.name) + "(" + text(n.a) + ")";
        if (info.has_value) // a postfix operator with its number: x^3
            return sub(n.a, left) + fmt::format("{}{:g}", info.symbol, n.value);
        return std::string(info.symbol) + sub(n.a, p);
    }

    // Variables and parameters a subexpression reads, each once, in reading order.
    void names(int id, std::vector<std::string>& vars, std::vector<std::string>& params) const
    {
        if (const std::string* v = variable(id)) {
            if (std::find(vars.begin(), vars.end(), *v) == vars.end())
                vars.push_back(*v);
            return;
        }
        const Node& n = node(id);
        if (n.op == Op::Param && std::find(params.begin(), params.end(), n.label) == params.end())
            params.push_back(n.label);
        if (n.a >= 0)
            names(n.a, vars, params);
        if (n.b >= 0)
            names(n.b, vars, params);
    }

    // Splits a sum into its terms, each with its sign.
    void terms(int id, bool negative, std::vector<std::pair<int, bool>>& out) const
    {
        const Node& n = node(id);
        if (variable(id) == nullptr && (n.op == Op::Add || n.op == Op::Sub)) {
            terms(n.a, negative, out);
            terms(n.b, n.op == Op::Sub ? !negative : negative, out);
            return;
        }
        out.emplace_back(id, negative);
    }

    // Splits a product into its factors.
    void factors(int id, std::vector<int>& out) const
    {
        const Node& n = node(id);
        if (variable(id) == nullptr && n.op == Op::Mul) {
            factors(n.a, out);
            factors(n.b, out);
            return;
        }
        out.push_back(id);
    }

    const Node& node(int id) const { return g_.nodes[static_cast<std::size_t>(id)]; }

private:
    const Graph& g_;
    int own_root_;
    std::unordered_map<int, std::string> names_;
};

struct StatementPicture {
    std::vector<GraphEdge> edges;
    std::vector<std::string> constant_terms; // terms that read no variable ("+ cd")
};

StatementPicture read_statement(const Graph& g, std::size_t s)
{
    const StatementReader reader(g, g.variable_nodes[s]);
    const std::string& target = g.variables[s];
    StatementPicture picture;
    std::vector<std::pair<int, bool>> terms;
    reader.terms(g.definitions[s].body, false, terms);
    auto add_label = [&](const std::string& from, const std::string& label) {
        for (GraphEdge& e : picture.edges)
            if (e.from == from) {
                if (!label.empty())
                    e.label += (e.label.empty() ? "" : ", ") + label;
                return;
            }
        picture.edges.push_back({from, target, label});
    };
    for (const auto& [term, negative] : terms) {
        const std::string sign = negative ? "-" : "";
        std::vector<std::string> vars, params;
        reader.names(term, vars, params);
        if (vars.empty()) {
            picture.constant_terms.push_back((negative ? "- " : "+ ") + reader.text(term));
            continue;
        }
        if (vars.size() == 1 && reader.variable(term) != nullptr) {
            add_label(vars[0], negative ? "-1" : "");
            continue;
        }
        // coefficient * variable: the other factors read no variable.
        std::vector<int> factors;
        reader.factors(term, factors);
        int variable_factors = 0;
        std::vector<int> coefficient_factors;
        for (int f : factors) {
            std::vector<std::string> fv, fp;
            reader.names(f, fv, fp);
            if (reader.variable(f) != nullptr)
                ++variable_factors;
            else if (fv.empty())
                coefficient_factors.push_back(f);
            else
                variable_factors += 2; // a factor with a variable inside: not a plain coefficient
        }
        std::string coefficient;
        for (int f : coefficient_factors) {
            const std::string t = reader.text(f);
            const bool wrap = coefficient_factors.size() > 1 && precedence(reader.node(f).op) < 2;
            coefficient += (coefficient.empty() ? "" : "*") + (wrap ? "(" + t + ")" : t);
        }
        if (vars.size() == 1 && variable_factors == 1) {
            add_label(vars[0], sign + coefficient);
            continue;
        }
        std::string label = reader.text(term);
        if (label.size() > kLongestTextLabel) {
            label.clear();
            for (const std::string& p : params)
                label += (label.empty() ? "" : ",") + p;
        }
        for (const std::string& v : vars)
            add_label(v, label.empty() ? label : sign + label);
    }
    return picture;
}

// Layer of every input (0) and defined variable: the declared layers, or the longest path.
std::vector<std::vector<std::string>> layers_of(const Graph& g)
{
    std::vector<std::vector<std::string>> layers;
    layers.push_back(g.inputs);
    int declared = 0;
    for (std::size_t l = 1; l < g.layers.size(); ++l)
        declared += g.layers[l];
    if (!g.layers.empty() && declared == static_cast<int>(g.variables.size()) &&
        g.layers[0] == static_cast<int>(g.inputs.size())) {
        std::size_t s = 0;
        for (std::size_t l = 1; l < g.layers.size(); ++l) {
            layers.emplace_back();
            for (int k = 0; k < g.layers[l]; ++k, ++s)
                layers.back().push_back(g.variables[s]);
        }
        return layers;
    }
    std::unordered_map<int, std::size_t> statement_of;
    for (std::size_t s = 0; s < g.variables.size(); ++s)
        statement_of.emplace(g.variable_nodes[s], s);
    std::vector<int> depth(g.variables.size(), -1);
    std::function<int(std::size_t)> depth_of = [&](std::size_t s) {
        if (depth[s] >= 0)
            return depth[s];
        int d = 1;
        for (int used : g.variable_uses[s]) {
            const auto it = statement_of.find(used);
            if (it != statement_of.end() && it->second != s && g.nodes[static_cast<std::size_t>(used)].op != Op::Input)
                d = std::max(d, depth_of(it->second) + 1);
        }
        return depth[s] = d;
    };
    for (std::size_t s = 0; s < g.variables.size(); ++s) {
        const auto d = static_cast<std::size_t>(depth_of(s));
        if (layers.size() <= d)
            layers.resize(d + 1);
        layers[d].push_back(g.variables[s]);
    }
    return layers;
}

std::string lowercase_extension(const fs::path& file)
{
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

} // namespace

std::vector<GraphEdge> graph_edges(const Graph& g)
{
    if (!g.dense.empty())
        return graph_edges(scalar_form(g)); // drawn term by term
    std::vector<GraphEdge> edges;
    for (std::size_t s = 0; s < g.variables.size(); ++s)
        for (GraphEdge& e : read_statement(g, s).edges)
            edges.push_back(std::move(e));
    return edges;
}

std::string graph_to_dot(const Graph& g)
{
    if (!g.dense.empty())
        return graph_to_dot(scalar_form(g));
    std::string out =
        fmt::format("// {}: the model's graph (render: dot -Tsvg FILE.dot -o FILE.svg)\n", dot_string(g.name));
    out += "digraph model {\n"
           "  rankdir=LR\n  ranksep=1.4\n  nodesep=0.5\n"
           "  graph [fontname=\"Helvetica\", fontsize=12, labelloc=b]\n"
           "  node [fontname=\"Helvetica\", fontsize=12, shape=circle, style=filled, fillcolor=\"#ffffff\", "
           "width=0.7, margin=0.04]\n"
           "  edge [fontname=\"Helvetica\", fontsize=10, color=\"#555555\", arrowsize=0.7]\n";
    std::string caption = g.name;
    if (!g.activation.is_none())
        caption += fmt::format(": {} on every node", to_string(g.activation));
    if (g.node_bias)
        caption += !g.activation.is_none() ? ", a bias per node" : ": a bias per node";
    caption += fmt::format(", {} parameters", g.param_count());
    out += fmt::format("  label={}\n", dot_string(caption));

    const auto is_output = [&](const std::string& v) {
        return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end();
    };
    for (const std::string& in : g.inputs)
        out += fmt::format("  {} [fillcolor=\"#dbe9f6\", tooltip=\"input\"]\n", dot_string(in));
    std::vector<GraphEdge> edges;
    for (std::size_t s = 0; s < g.variables.size(); ++s) {
        StatementPicture p = read_statement(g, s);
        std::string label = g.variables[s];
        for (const std::string& c : p.constant_terms)
            label += "\n" + c;
        const Definition& def = g.definitions[s];
        if (def.bias >= 0)
            label += "\n+ bias";
        if (!def.activation.is_none())
            label += "\n" + std::string(to_string(def.activation));
        const std::string& v = g.variables[s];
        out += fmt::format("  {} [label={}{}]\n", dot_string(v), dot_string(label),
                           is_output(v) ? ", shape=doublecircle, fillcolor=\"#fde0c5\", tooltip=\"output\"" : "");
        for (GraphEdge& e : p.edges)
            edges.push_back(std::move(e));
    }
    const auto layers = layers_of(g);
    for (std::size_t l = 0; l < layers.size(); ++l) {
        if (layers[l].empty())
            continue;
        out += fmt::format("  {{ rank=same; // layer {}\n   ", l);
        for (const std::string& v : layers[l])
            out += " " + dot_string(v);
        out += " }\n";
    }
    for (const GraphEdge& e : edges)
        out += fmt::format("  {} -> {}{}\n", dot_string(e.from), dot_string(e.to),
                           e.label.empty() ? "" : fmt::format(" [label={}]", dot_string(e.label)));
    out += "}\n";
    return out;
}

std::vector<fs::path> graph_picture_files(const fs::path& file)
{
    const std::string ext = lowercase_extension(file);
    if (ext == ".dot" || ext == ".gv")
        return {file};
    if (ext == ".png" || ext == ".svg")
        return {fs::path(file).replace_extension(".dot"), file};
    throw Error(fmt::format("--draw {}: unknown picture type '{}'; name the file .dot or .gv (Graphviz text), "
                            ".png or .svg (rendered with Graphviz's dot)",
                            file.string(), ext));
}

std::string write_graph_picture(const Graph& graph, const fs::path& file)
{
    const std::vector<fs::path> files = graph_picture_files(file);
    {
        AtomicFile dot(files.front());
        dot.write(graph_to_dot(graph));
        dot.commit();
    }
    if (files.size() == 1)
        return {};
    const std::string format = "-T" + lowercase_extension(file).substr(1);
    if (find_program("dot").empty())
        return fmt::format("dot {} {} -o {}", format, shell_quote(files.front().string()), shell_quote(file.string()));
    run_to_file({"dot", format, files.front().string()}, file);
    return {};
}

} // namespace cgp
