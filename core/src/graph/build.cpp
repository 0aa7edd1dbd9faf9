// build_graph: checks a ModelSpec and turns its statements into a topologically ordered DAG.
#include "layered.hpp"
#include "scalar_form.hpp"

#include <cgp/graph/graph.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace cgp {
namespace {

struct Use {
    std::string name;
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
    Builder(const ModelSpec& spec, ParamOrder order) : spec_(spec), text_(spec.text), order_(order) {}

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
        build_nodes();
        choose_outputs();
        return std::move(g_);
    }

private:
    void collect_definitions()
    {
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
        std::unordered_set<std::string> seen_input;
        const std::vector<std::size_t> layer_ends = layer_ends_with_biases();
        std::size_t biased = 0; // statements whose bias is placed
        for (std::size_t s = 0; s < text_.statements.size(); ++s) {
            std::vector<Use> params;
            collect_uses(text_, text_.statements[s].root, uses_[s], params);
            for (const Use& p : params)
                if (param_index_.emplace(p.name, static_cast<int>(g_.params.size())).second)
                    g_.params.push_back(p.name);
            for (const Use& v : uses_[s])
                if (!defined_.count(v.name) && seen_input.insert(v.name).second)
                    g_.inputs.push_back(v.name);
            if (std::find(layer_ends.begin(), layer_ends.end(), s + 1) != layer_ends.end())
                for (; biased <= s; ++biased)
                    add_bias(g_.variables[biased]);
        }
        if (spec_.node_bias)
            for (; biased < g_.variables.size(); ++biased)
                add_bias(g_.variables[biased]);
    }

    void add_bias(const std::string& variable)
    {
        param_index_.emplace(variable + ".bias", static_cast<int>(g_.params.size()));
        g_.params.push_back(variable + ".bias");
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
                cycle.push_back(v.name);
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
            const std::unordered_set<std::string> allowed(previous.begin(), previous.end());
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
    int param_node(const std::string& name)
    {
        const auto pos = param_index_.find(name);
        if (pos == param_index_.end())
            throw Error("internal error: unknown parameter " + name);
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
    int lower(int root)
    {
        struct Frame {
            int ast;
            int stage = 0;
            int left = -1; // the lowered first operand, once done
        };
        std::vector<Frame> frames{{root}};
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
        for (std::size_t i = 0; i < g_.inputs.size(); ++i) {
            Node n;
            n.op = Op::Input;
            n.index = static_cast<int>(i);
            n.uniform = false;
            n.label = g_.inputs[i];
            const int id = add_node(std::move(n));
            g_.input_nodes.push_back(id);
            var_nodes_[g_.inputs[i]] = id;
        }
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
                def.bias = param_index_.at(st.lhs + ".bias");
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
        for (std::size_t s = 0; s < uses_.size(); ++s) {
            std::unordered_set<int> seen;
            for (const Use& v : uses_[s]) {
                const int id = var_nodes_.at(v.name);
                if (seen.insert(id).second)
                    g_.variable_uses[s].push_back(id);
            }
        }
        settle_flags(g_.nodes);
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
        std::map<std::string, bool> used;
        for (const auto& list : uses_)
            for (const Use& v : list)
                used[v.name] = true;
        for (const std::string& v : g_.variables)
            if (!used[v]) {
                g_.outputs.push_back(v);
                g_.output_nodes.push_back(var_nodes_.at(v));
            }
    }

    const ModelSpec& spec_;
    const ParsedText& text_;
    const ParamOrder order_;
    Graph g_;
    std::map<std::string, std::size_t> defined_; // variable -> statement
    std::vector<std::vector<Use>> uses_;         // statement -> variables it reads
    std::vector<int> state_;
    std::vector<std::size_t> stack_, topo_;
    std::unordered_map<std::string, int> var_nodes_;   // variable -> node
    std::unordered_map<std::string, int> param_index_; // parameter name -> its number
    mutable std::unordered_set<std::string> read_;     // variables some statement reads (is_output)
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

Graph build_graph(const ModelSpec& spec, ParamOrder order)
{
    if (spec.generated && spec.text.statements.empty())
        return build_layered_graph(spec, order);
    return Builder(spec, order).run();
}

} // namespace cgp
