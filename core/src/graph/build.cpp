// build_graph: checks a ModelSpec and turns its statements into a topologically ordered DAG.
#include "layered.hpp"
#include "scalar_form.hpp"

#include <cgp/graph/graph.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace cgp {
namespace {

// A name as the syntax tree holds it (the tree outlives the build, so names are viewed, not copied).
struct Use {
    std::string_view name;
    SourcePos pos;
};

// Variables and parameters a statement's right side names, in source order (iterative: an
// expression may be thousands of levels deep).
void collect_uses(const ParsedText& text, int root, std::vector<Use>& vars, std::vector<Use>& params)
{
    std::vector<int> stack{root};
    while (!stack.empty()) {
        const Ast& n = text.nodes[static_cast<std::size_t>(stack.back())];
        stack.pop_back();
        if (n.kind == Ast::Kind::Name) {
            (is_variable_name(n.name) ? vars : params).push_back({n.name, n.pos});
            continue;
        }
        if (n.b >= 0)
            stack.push_back(n.b);
        if (n.a >= 0)
            stack.push_back(n.a);
    }
}

std::string join(const std::vector<std::string>& names, std::string_view sep = " ")
{
    std::string out;
    for (const auto& n : names) {
        if (!out.empty())
            out += sep;
        out += n;
    }
    return out;
}

class Builder {
public:
    Builder(const ModelSpec& spec, ParamOrder order, StatementRoute route)
        : spec_(spec), text_(spec.text), order_(order), route_(route)
    {
    }

    Graph run()
    {
        g_.name = spec_.name;
        g_.activation = spec_.activation;
        g_.node_bias = spec_.node_bias;
        g_.layers = spec_.layers;
        if (text_.statements.empty())
            throw SourceError(text_.origin, {}, "", "the model has no statements",
                              "write at least one statement such as: xw = ab*xa + bc*xb");
        collect_definitions();
        collect_names();
        order_variables();
        check_layers();
        if (route_ == StatementRoute::Dense && describes_dense_layers())
            build_dense_nodes();
        else
            build_nodes();
        choose_outputs();
        return std::move(g_);
    }

private:
    void collect_definitions()
    {
        defined_.reserve(text_.statements.size());
        for (std::size_t s = 0; s < text_.statements.size(); ++s) {
            const Statement& st = text_.statements[s];
            if (!is_variable_name(st.lhs)) {
                // Find a use of the same name as a parameter, to say so.
                for (const Statement& other : text_.statements) {
                    std::vector<Use> vars, params;
                    collect_uses(text_, other.root, vars, params);
                    for (const Use& p : params)
                        if (p.name == st.lhs)
                            text_.fail(st.lhs_pos,
                                       fmt::format("'{}' is used both as a variable (assigned here) and as a "
                                                   "parameter (at {}:{})",
                                                   st.lhs, p.pos.line, p.pos.column),
                                       "names starting with 'x' are variables, all others are learnable parameters");
                }
                text_.fail(st.lhs_pos, fmt::format("cannot assign to '{}': it is a parameter name", st.lhs),
                           fmt::format("variables start with 'x' (CGP's rule); rename it, e.g. x{}", st.lhs));
            }
            const auto [it, inserted] = defined_.emplace(st.lhs, s);
            if (!inserted) {
                const Statement& first = text_.statements[it->second];
                text_.fail(st.lhs_pos,
                           fmt::format("variable '{}' is defined twice (first at {}:{})", st.lhs, first.lhs_pos.line,
                                       first.lhs_pos.column),
                           "each variable has exactly one statement; rename one of them");
            }
            g_.variables.push_back(st.lhs);
        }
    }

    void collect_names()
    {
        uses_.resize(text_.statements.size());
        bias_of_.assign(text_.statements.size(), -1);
        param_index_.reserve(2 * text_.statements.size());
        std::unordered_set<std::string_view> seen_input;
        const std::vector<std::size_t> layer_ends = layer_ends_with_biases(); // increasing
        std::size_t next_end = 0;
        std::size_t biased = 0; // statements whose bias is placed
        for (std::size_t s = 0; s < text_.statements.size(); ++s) {
            std::vector<Use> params;
            collect_uses(text_, text_.statements[s].root, uses_[s], params);
            for (const Use& p : params)
                if (param_index_.try_emplace(p.name, static_cast<int>(g_.params.size())).second)
                    g_.params.push_back(std::string(p.name));
            for (const Use& v : uses_[s])
                if (!defined_.count(v.name) && seen_input.insert(v.name).second)
                    g_.inputs.push_back(std::string(v.name));
            if (next_end < layer_ends.size() && layer_ends[next_end] == s + 1) {
                ++next_end;
                for (; biased <= s; ++biased)
                    add_bias(biased);
            }
        }
        if (spec_.node_bias)
            for (; biased < g_.variables.size(); ++biased)
                add_bias(biased);
    }

    void add_bias(std::size_t statement)
    {
        bias_of_[statement] = static_cast<int>(g_.params.size());
        g_.params.push_back(g_.variables[statement] + ".bias");
    }

    // Layered models with biases take PyTorch's per-layer order (graph.hpp): the statement count
    // after which each layer ends, when the statements match the layers (check_layers reports a
    // mismatch); otherwise none, and every bias comes last.
    std::vector<std::size_t> layer_ends_with_biases() const
    {
        std::vector<std::size_t> ends;
        if (!spec_.node_bias || spec_.layers.size() < 2 || order_ == ParamOrder::BiasesLast)
            return ends;
        std::uint64_t end = 0;
        for (std::size_t l = 1; l < spec_.layers.size(); ++l) {
            end += static_cast<std::uint64_t>(std::max(spec_.layers[l], 0));
            ends.push_back(static_cast<std::size_t>(end));
        }
        if (end != text_.statements.size())
            ends.clear();
        return ends;
    }

    // Depth-first topological order of the defined variables; reports the first cycle found.
    // Iterative, so a chain of many thousands of statements cannot exhaust the stack.
    void order_variables()
    {
        state_.assign(text_.statements.size(), 0);
        for (std::size_t s = 0; s < text_.statements.size(); ++s)
            if (state_[s] == 0)
                visit(s);
    }

    void visit(std::size_t root)
    {
        struct Frame {
            std::size_t statement;
            std::size_t next_use;
        };
        std::vector<Frame> frames{{root, 0}};
        state_[root] = 1;
        stack_.push_back(root);
        while (!frames.empty()) {
            Frame& f = frames.back();
            if (f.next_use == uses_[f.statement].size()) {
                state_[f.statement] = 2;
                topo_.push_back(f.statement);
                stack_.pop_back();
                frames.pop_back();
                continue;
            }
            const Use& v = uses_[f.statement][f.next_use++];
            const auto it = defined_.find(v.name);
            if (it == defined_.end())
                continue;
            const std::size_t t = it->second;
            if (state_[t] == 1) {
                // The cycle is the part of the stack from t to here, closed by this use.
                std::vector<std::string> cycle;
                for (auto i = std::find(stack_.begin(), stack_.end(), t); i != stack_.end(); ++i)
                    cycle.push_back(text_.statements[*i].lhs);
                cycle.push_back(std::string(v.name));
                text_.fail(v.pos, fmt::format("cycle: {}", join(cycle, " -> ")),
                           "a variable may not depend on itself, directly or through others");
            }
            if (state_[t] == 0) {
                state_[t] = 1;
                stack_.push_back(t);
                frames.push_back({t, 0});
            }
        }
    }

    void check_layers()
    {
        const auto& layers = spec_.layers;
        if (layers.empty())
            return;
        const SourcePos at = spec_.layers_pos;
        std::uint64_t expected = 0; // sizes up to INT_MAX each: no overflow in 64 bits
        for (std::size_t l = 1; l < layers.size(); ++l)
            expected += static_cast<std::uint64_t>(layers[l]);
        const std::uint64_t count = text_.statements.size();
        if (count != expected)
            text_.fail(at, fmt::format("layers {} need {} statements (one per node after the input layer), found {}",
                                       layers_text(), expected, count));
        if (g_.inputs.size() != static_cast<std::size_t>(layers[0]))
            text_.fail(at, fmt::format("layers {} declare {} inputs, but the statements read {} ({})", layers_text(),
                                       layers[0], g_.inputs.size(), join(g_.inputs)));
        // Layer l's statements may read only layer l-1's variables.
        std::vector<std::string> previous = g_.inputs;
        std::size_t s = 0;
        for (std::size_t l = 1; l < layers.size(); ++l) {
            std::vector<std::string> current;
            const std::unordered_set<std::string_view> allowed(previous.begin(), previous.end());
            for (int k = 0; k < layers[l]; ++k, ++s) {
                for (const Use& v : uses_[s])
                    if (!allowed.count(v.name))
                        text_.fail(v.pos,
                                   fmt::format("'{}' is not in layer {}: with layers {}, layer {} reads only "
                                               "layer {} ({})",
                                               v.name, l - 1, layers_text(), l, l - 1, join(previous)),
                                   "CGP's layer rule: statements are listed layer by layer, each reading the "
                                   "layer before");
                current.push_back(text_.statements[s].lhs);
            }
            previous = std::move(current);
        }
    }

    std::string layers_text() const
    {
        std::string out;
        for (int n : spec_.layers)
            out += (out.empty() ? "" : " ") + std::to_string(n);
        return out;
    }

    int add_node(Node n)
    {
        g_.nodes.push_back(std::move(n));
        return static_cast<int>(g_.nodes.size()) - 1;
    }

    // Parameter nodes are created in parameter order, right after the inputs (build_nodes).
    int param_node(std::string_view name)
    {
        const auto pos = param_index_.find(name);
        if (pos == param_index_.end())
            throw Error("internal error: unknown parameter " + std::string(name));
        return first_param_node_ + pos->second;
    }

    int unary(Op op, int a, double value = 0.0)
    {
        Node n;
        n.op = op;
        n.a = a;
        n.value = value;
        return add_node(std::move(n));
    }

    int binary(Op op, int a, int b)
    {
        Node n;
        n.op = op;
        n.a = a;
        n.b = b;
        return add_node(std::move(n));
    }

    // A whole-number exponent small enough to keep as repeated multiplication.
    static bool whole_exponent(const ParsedText& text, int node, double& out)
    {
        const Ast& e = text.nodes[static_cast<std::size_t>(node)];
        double sign = 1.0;
        const Ast* n = &e;
        if (e.kind == Ast::Kind::Neg) {
            sign = -1.0;
            n = &text.nodes[static_cast<std::size_t>(e.a)];
        }
        if (n->kind != Ast::Kind::Number || n->number != std::floor(n->number) || n->number > 64)
            return false;
        out = sign * n->number;
        return true;
    }

    // Turns a statement's syntax tree into graph nodes, operands first. Iterative: an expression
    // may be thousands of levels deep.
    struct LowerFrame {
        int ast;
        int stage = 0;
        int left = -1; // the lowered first operand, once done
    };

    int lower(int root)
    {
        std::vector<LowerFrame>& frames = frames_; // reused: one allocation for every statement
        frames.assign(1, LowerFrame{root});
        int result = -1;
        while (!frames.empty()) {
            const std::size_t top = frames.size() - 1;
            const Ast& e = text_.nodes[static_cast<std::size_t>(frames[top].ast)];
            const int stage = frames[top].stage++;
            switch (e.kind) {
            case Ast::Kind::Number: {
                Node n;
                n.op = Op::Const;
                n.value = e.number;
                result = add_node(std::move(n));
                frames.pop_back();
                break;
            }
            case Ast::Kind::Name:
                result = is_variable_name(e.name) ? var_nodes_.at(e.name) : param_node(e.name);
                frames.pop_back();
                break;
            case Ast::Kind::Neg:
            case Ast::Kind::Call:
                if (stage == 0) {
                    frames.push_back({e.a});
                } else {
                    result = unary(e.kind == Ast::Kind::Neg ? Op::Neg : e.func, result);
                    frames.pop_back();
                }
                break;
            case Ast::Kind::Pow: {
                double n = 0.0;
                if (whole_exponent(text_, e.b, n)) {
                    if (stage == 0) {
                        frames.push_back({e.a});
                    } else {
                        result = unary(Op::PowInt, result, n);
                        frames.pop_back();
                    }
                    break;
                }
                [[fallthrough]];
            }
            case Ast::Kind::Add:
            case Ast::Kind::Sub:
            case Ast::Kind::Mul:
            case Ast::Kind::Div:
                if (stage == 0) {
                    frames.push_back({e.a});
                } else if (stage == 1) {
                    frames[top].left = result;
                    frames.push_back({e.b});
                } else {
                    result = binary(binary_op(e.kind), frames[top].left, result);
                    frames.pop_back();
                }
                break;
            }
        }
        return result;
    }

    static Op binary_op(Ast::Kind k)
    {
        switch (k) {
        case Ast::Kind::Add: return Op::Add;
        case Ast::Kind::Sub: return Op::Sub;
        case Ast::Kind::Mul: return Op::Mul;
        case Ast::Kind::Div: return Op::Div;
        case Ast::Kind::Pow: return Op::Pow;
        default: throw Error("internal error: not a binary operation");
        }
    }

    void build_nodes()
    {
        add_input_nodes();
        first_param_node_ = static_cast<int>(g_.nodes.size());
        for (std::size_t i = 0; i < g_.params.size(); ++i) {
            Node n;
            n.op = Op::Param;
            n.index = static_cast<int>(i);
            n.needs_grad = true;
            n.label = g_.params[i];
            add_node(std::move(n));
        }
        g_.variable_nodes.assign(g_.variables.size(), -1);
        g_.definitions.assign(g_.variables.size(), {});
        for (std::size_t s : topo_) {
            const Statement& st = text_.statements[s];
            Definition& def = g_.definitions[s];
            int root = def.body = lower(st.root);
            if (spec_.node_bias) {
                def.bias = bias_of_[s];
                root = binary(Op::Add, root, first_param_node_ + def.bias);
            }
            def.activation = spec_.output_activation && is_output(st.lhs) ? *spec_.output_activation : spec_.activation;
            if (!def.activation.is_none())
                root = unary(def.activation.op(), root);
            if (g_.nodes[static_cast<std::size_t>(root)].label.empty())
                g_.nodes[static_cast<std::size_t>(root)].label = st.lhs;
            var_nodes_[st.lhs] = root;
            g_.variable_nodes[s] = root;
        }
        g_.variable_uses.resize(g_.variables.size());
        std::vector<std::size_t> seen_by(g_.nodes.size(), uses_.size()); // the statement a node was seen in
        for (std::size_t s = 0; s < uses_.size(); ++s)
            for (const Use& v : uses_[s]) {
                const int id = var_nodes_.at(v.name);
                if (std::exchange(seen_by[static_cast<std::size_t>(id)], s) != s)
                    g_.variable_uses[s].push_back(id);
            }
        settle_flags(g_.nodes);
    }

    // Whether the statements of a `layers` line describe dense layers: unit k of layer l is
    // p_0*x_0 + ... + p_(K-1)*x_(K-1) (sums leaning left, each product a parameter times a
    // variable) over layer l-1 in its order, every weight a parameter of its own numbered in that
    // order, and no parameter besides them and the biases. Then the graph is built as dense layers
    // (build_dense_nodes), whose scalar form is the graph build_nodes makes.
    bool describes_dense_layers()
    {
        const auto& layers = spec_.layers;
        if (layers.size() < 2)
            return false;
        const bool per_layer = !layer_ends_with_biases().empty();
        std::vector<std::string_view> previous(g_.inputs.begin(), g_.inputs.end());
        std::size_t next = 0, s = 0;
        layer_weights_.assign(layers.size(), 0);
        for (std::size_t l = 1; l < layers.size(); ++l) {
            layer_weights_[l] = next;
            std::vector<std::string_view> current;
            for (int k = 0; k < layers[l]; ++k, ++s) {
                if (!dense_row(text_.statements[s].root, previous, next))
                    return false;
                next += previous.size();
                current.push_back(text_.statements[s].lhs);
            }
            if (per_layer)
                next += static_cast<std::size_t>(layers[l]);
            previous = std::move(current);
        }
        if (spec_.node_bias && !per_layer)
            next += text_.statements.size();
        return next == g_.params.size();
    }

    // Whether the tree at `root` is p_0*x_0 + ... + p_(K-1)*x_(K-1) with x_j = inputs[j] and p_j
    // the parameter numbered first + j.
    bool dense_row(int root, const std::vector<std::string_view>& inputs, std::size_t first) const
    {
        const auto ast = [&](int n) -> const Ast& { return text_.nodes[static_cast<std::size_t>(n)]; };
        int rest = root;
        for (std::size_t j = inputs.size(); j-- > 0;) {
            const Ast* product = &ast(rest);
            if (j > 0) {
                if (product->kind != Ast::Kind::Add)
                    return false;
                rest = product->a;
                product = &ast(product->b);
            }
            if (product->kind != Ast::Kind::Mul)
                return false;
            const Ast& p = ast(product->a);
            const Ast& x = ast(product->b);
            if (p.kind != Ast::Kind::Name || x.kind != Ast::Kind::Name || is_variable_name(p.name) ||
                x.name != inputs[j])
                return false;
            const auto it = param_index_.find(p.name);
            if (it == param_index_.end() || static_cast<std::size_t>(it->second) != first + j)
                return false;
        }
        return true;
    }

    void add_input_nodes()
    {
        cgp::add_input_nodes(g_);
        for (std::size_t i = 0; i < g_.inputs.size(); ++i)
            var_nodes_[g_.inputs[i]] = g_.input_nodes[i];
    }

    // The dense route: a node per input and per unit (layered.hpp), nothing per weight.
    void build_dense_nodes()
    {
        add_input_nodes();
        g_.variable_nodes.reserve(g_.variables.size());
        g_.definitions.reserve(g_.variables.size());
        g_.variable_uses.resize(g_.variables.size());
        std::vector<int> previous = g_.input_nodes;
        std::size_t s = 0;
        for (std::size_t l = 1; l < spec_.layers.size(); ++l) {
            const int first = static_cast<int>(g_.nodes.size());
            const std::size_t rows = static_cast<std::size_t>(spec_.layers[l]);
            for (std::size_t k = 0; k < rows; ++k, ++s) {
                const std::string& name = text_.statements[s].lhs;
                Definition def;
                def.bias = bias_of_[s];
                def.activation =
                    spec_.output_activation && is_output(name) ? *spec_.output_activation : spec_.activation;
                def.body = add_dense_unit(g_, {static_cast<int>(l), k, layer_weights_[l]}, previous, def, name);
                var_nodes_[name] = def.body;
                g_.variable_nodes.push_back(def.body);
                g_.definitions.push_back(def);
            }
            previous.resize(rows);
            for (std::size_t k = 0; k < rows; ++k)
                previous[k] = first + static_cast<int>(k);
        }
    }

    // Whether a variable will be an output (choose_outputs' rule), before the nodes exist.
    bool is_output(const std::string& name) const
    {
        if (!spec_.outputs.empty())
            return std::any_of(spec_.outputs.begin(), spec_.outputs.end(),
                               [&](const NamedAt& o) { return o.name == name; });
        if (!read_ready_)
            for (const auto& list : uses_)
                for (const Use& v : list)
                    read_.insert(v.name);
        read_ready_ = true;
        return !read_.count(name);
    }

    void choose_outputs()
    {
        if (!spec_.outputs.empty()) {
            for (const NamedAt& o : spec_.outputs) {
                if (!defined_.count(o.name))
                    text_.fail(o.pos, fmt::format("output '{}' is not defined by any statement", o.name),
                               fmt::format("defined variables: {}", join(g_.variables)));
                if (std::find(g_.outputs.begin(), g_.outputs.end(), o.name) != g_.outputs.end())
                    text_.fail(o.pos, fmt::format("output '{}' is listed twice", o.name));
                g_.outputs.push_back(o.name);
                g_.output_nodes.push_back(var_nodes_.at(o.name));
            }
            return;
        }
        std::unordered_set<std::string_view> used;
        for (const auto& list : uses_)
            for (const Use& v : list)
                used.insert(v.name);
        for (const std::string& v : g_.variables)
            if (!used.count(v)) {
                g_.outputs.push_back(v);
                g_.output_nodes.push_back(var_nodes_.at(v));
            }
    }

    const ModelSpec& spec_;
    const ParsedText& text_;
    const ParamOrder order_;
    const StatementRoute route_;
    Graph g_;
    std::vector<std::size_t> layer_weights_; // dense route: each declared layer's first weight
    // Names are viewed in the statements, the syntax tree and g_.inputs (complete before any
    // node exists), which outlive the build.
    std::unordered_map<std::string_view, std::size_t> defined_; // variable -> statement
    std::vector<std::vector<Use>> uses_;                        // statement -> variables it reads
    std::vector<int> state_;
    std::vector<std::size_t> stack_, topo_;
    std::unordered_map<std::string_view, int> var_nodes_;   // variable -> node
    std::unordered_map<std::string_view, int> param_index_; // named parameter -> its number
    std::vector<int> bias_of_;                              // statement -> its bias's number, or -1
    std::vector<LowerFrame> frames_;                        // lower's stack
    mutable std::unordered_set<std::string_view> read_;     // variables some statement reads (is_output)
    mutable bool read_ready_ = false;
    int first_param_node_ = 0;
};

} // namespace

std::uint64_t Graph::fingerprint() const
{
    // FNV-1a over the structure's fields (operations, operands, numbers, names), in order.
    std::uint64_t h = 1469598103934665603ull;
    auto bytes = [&h](const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) {
            h ^= b[i];
            h *= 1099511628211ull;
        }
    };
    auto text = [&bytes](const std::string& s) { bytes(s.c_str(), s.size() + 1); };
    const auto node = [&](const Node& n) {
        const std::int64_t fields[] = {static_cast<std::int64_t>(n.op), n.a, n.b, n.index};
        bytes(fields, sizeof fields);
        bytes(&n.value, sizeof n.value);
        text(n.label);
    };
    if (dense.empty())
        std::for_each(nodes.begin(), nodes.end(), node);
    else
        ScalarNodes(*this).run(node);
    const auto list = [&](const auto& names) {
        const std::uint64_t count = names.size();
        bytes(&count, sizeof count);
        for (const std::string& s : names)
            text(s);
    };
    list(params);
    list(inputs);
    list(outputs);
    return h;
}

Graph build_graph(const ModelSpec& spec, ParamOrder order, StatementRoute route)
{
    if (spec.generated && spec.text.statements.empty())
        return build_layered_graph(spec, order);
    return Builder(spec, order, route).run();
}

} // namespace cgp
