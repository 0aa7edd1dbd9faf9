// compile(): an optimizer file's declarations checked and its update split into the per-step part
// (double, once per step) and the element-wise register program (cgp/optfile/program.hpp).
#include "kernels/builtin.hpp"

#include <cgp/optfile/program.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

namespace cgp::optfile {
namespace {

constexpr std::string_view kKeywords[] = {"name",  "summary", "algorithm", "version", "hparam",
                                          "state", "const",   "in",        "integer"};

struct Symbol {
    enum class Kind { P, G, T, Hparam, State, Const };
    Kind kind;
    std::uint32_t index = 0; // Hparam: schema index; State: state index; Const: value index
    SourcePos pos;
};

bool well_formed_hparam(std::string_view s)
{
    if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// A value of the element-wise part: a register or a per-step constant.
struct Operand {
    bool constant = false;
    std::uint16_t index = 0; // register, or index into Program::constants
};

class Compiler {
public:
    explicit Compiler(const OptFile& f) : f_(f) {}

    CompiledFile run()
    {
        CompiledFile out;
        declarations(out);
        for (const Assignment& c : f_.constants)
            constant(c);
        std::vector<bool> updated(f_.states.size(), false);
        bool p_updated = false;
        for (const Assignment& s : f_.statements) {
            const std::uint16_t target = target_register(s);
            if (target == 0)
                p_updated = true;
            else
                updated[target - 2u] = true;
            statement(s, target);
        }
        for (std::size_t k = 0; k < f_.states.size(); ++k)
            if (!updated[k])
                fail(f_.states[k].pos, fmt::format("state '{}' is never updated", f_.states[k].name),
                     fmt::format("assign it in the update ({} = ...), or remove it from the state line",
                                 f_.states[k].name));
        if (!p_updated)
            fail(f_.statements.empty() ? SourcePos{1, 1} : f_.statements.back().pos, "the update never assigns p",
                 "add a statement such as p = p - lr*g");
        prog_.state_count = f_.states.size();
        out.program = std::move(prog_);
        return out;
    }

private:
    [[noreturn]] void fail(SourcePos pos, const std::string& message, const std::string& hint = {}) const
    {
        f_.text.fail(pos, message, hint);
    }
    const Node& node(int i) const { return f_.nodes[static_cast<std::size_t>(i)]; }

    void declare(const std::string& name, SourcePos pos, Symbol symbol, std::string_view what)
    {
        for (std::string_view k : kKeywords)
            if (name == k)
                fail(pos, fmt::format("'{}' is a keyword of optimizer files, not a {} name", name, what),
                     "choose another name");
        if (name == "p" || name == "g" || name == "t")
            fail(pos, fmt::format("'{}' is predeclared (p: the parameters, g: the gradient, t: the step)", name),
                 "choose another name");
        for (Fn fn : {Fn::Sqrt, Fn::Abs, Fn::Sign, Fn::Exp, Fn::Log, Fn::Tanh, Fn::Min, Fn::Max, Fn::Clip, Fn::Select})
            if (name == fn_info(fn).name)
                fail(pos, fmt::format("'{}' is a function, not a {} name", name, what), "choose another name");
        const auto [it, fresh] = symbols_.emplace(name, symbol);
        if (!fresh)
            fail(pos, fmt::format("'{}' is declared twice", name),
                 fmt::format("it is first declared at line {}; keep one declaration", it->second.pos.line));
        symbols_[name].pos = pos;
    }

    void declarations(CompiledFile& out)
    {
        symbols_.emplace("p", Symbol{Symbol::Kind::P, 0, {}});
        symbols_.emplace("g", Symbol{Symbol::Kind::G, 0, {}});
        symbols_.emplace("t", Symbol{Symbol::Kind::T, 0, {}});
        out.id = f_.id;
        if (out.id.empty()) {
            // No name line: the file's stem, when it is a valid id.
            const std::string stem = std::filesystem::path(f_.text.origin).stem().string();
            const bool ok =
                !stem.empty() && stem[0] >= 'a' && stem[0] <= 'z' && std::all_of(stem.begin(), stem.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                           std::string_view("_.+-").find(c) != std::string_view::npos;
                });
            if (!ok)
                fail({1, 1}, "the file has no 'name' line and its file name is not a valid id",
                     "add a line: name my-optimizer");
            out.id = stem;
        }
        out.name = out.id;
        out.summary = f_.summary.empty() ? fmt::format("optimizer file {}", out.id) : f_.summary;
        out.version = f_.version.empty() ? "1.0.0" : f_.version;
        out.algorithm = f_.algorithm;
        for (std::size_t i = 0; i < f_.hparams.size(); ++i) {
            const HparamDecl& h = f_.hparams[i];
            if (!well_formed_hparam(h.name))
                fail(h.pos, fmt::format("hyperparameter name '{}' is not of the form [a-z][a-z0-9_]*", h.name),
                     "hyperparameters become options (--name): use lower-case letters, digits and _");
            declare(h.name, h.pos, {Symbol::Kind::Hparam, static_cast<std::uint32_t>(i), h.pos}, "hyperparameter");
            if (h.min_value > h.max_value)
                fail(h.pos, fmt::format("the range of '{}' is empty: {} > {}", h.name, h.min_value, h.max_value),
                     "write the smaller bound first");
            const double v = h.default_value;
            const bool inside = (h.min_exclusive ? v > h.min_value : v >= h.min_value) &&
                                (h.max_exclusive ? v < h.max_value : v <= h.max_value);
            const std::string range = fmt::format("{}{:g}, {:g}{}", h.min_exclusive ? '(' : '[', h.min_value,
                                                  h.max_value, h.max_exclusive ? ')' : ']');
            if (!inside)
                fail(h.default_pos, fmt::format("the default {:g} of '{}' is outside its range {}", v, h.name, range),
                     "change the default or widen the range");
            if (h.integer && v != std::floor(v))
                fail(h.default_pos, fmt::format("the default {:g} of '{}' is not a whole number", v, h.name),
                     "an integer hyperparameter needs a whole default");
        }
        if (f_.states.size() > kMaxStates)
            fail(f_.states[kMaxStates].pos, fmt::format("more than {} state arrays", kMaxStates),
                 "the plugin contract allows at most 16");
        for (std::size_t k = 0; k < f_.states.size(); ++k)
            declare(f_.states[k].name, f_.states[k].pos, {Symbol::Kind::State, static_cast<std::uint32_t>(k), {}},
                    "state");
        out.hparam_names.reserve(f_.hparams.size());
        out.hparam_helps.reserve(f_.hparams.size());
        for (const HparamDecl& h : f_.hparams) {
            out.hparam_names.push_back(h.name);
            out.hparam_helps.push_back(h.help);
        }
        for (std::size_t i = 0; i < f_.hparams.size(); ++i) {
            const HparamDecl& h = f_.hparams[i];
            std::uint32_t flags = 0;
            if (h.integer)
                flags |= CGP_HPARAM_INTEGER;
            if (h.min_exclusive)
                flags |= CGP_HPARAM_MIN_EXCLUSIVE;
            if (h.max_exclusive)
                flags |= CGP_HPARAM_MAX_EXCLUSIVE;
            out.hparams.push_back({out.hparam_names[i].c_str(), out.hparam_helps[i].c_str(), h.default_value,
                                   h.min_value, h.max_value, flags});
        }
    }

    const Symbol& lookup(const Node& n) const
    {
        const auto it = symbols_.find(n.name);
        if (it == symbols_.end()) {
            std::string known = "p g t";
            for (const HparamDecl& h : f_.hparams)
                known += " " + h.name;
            for (const NameDecl& s : f_.states)
                known += " " + s.name;
            for (const Assignment& c : f_.constants)
                if (symbols_.count(c.name) != 0)
                    known += " " + c.name;
            fail(n.pos, fmt::format("unknown name '{}'", n.name),
                 fmt::format("the names here are: {}; declare others with hparam, state or const", known));
        }
        return it->second;
    }

    // The first name in the tree that changes per element (p, g or a state), or nullptr.
    const Node* element_name(int i) const
    {
        const Node& n = node(i);
        if (n.kind == Node::Kind::Name) {
            const Symbol::Kind k = lookup(n).kind;
            return k == Symbol::Kind::P || k == Symbol::Kind::G || k == Symbol::Kind::State ? &n : nullptr;
        }
        for (int child : n.args)
            if (child >= 0)
                if (const Node* e = element_name(child))
                    return e;
        return nullptr;
    }

    std::uint32_t emit_const(ConstInstr c, SourcePos pos)
    {
        if (prog_.const_code.size() >= kMaxConstValues)
            fail(pos, fmt::format("more than {} per-step terms", kMaxConstValues), "simplify the update");
        prog_.const_code.push_back(c);
        return static_cast<std::uint32_t>(prog_.const_code.size() - 1);
    }

    // The per-step value of a tree free of element names.
    std::uint32_t lower_const(int i)
    {
        const Node& n = node(i);
        switch (n.kind) {
        case Node::Kind::Number: return emit_const({COp::Number, 0, 0, 0, n.number}, n.pos);
        case Node::Kind::Name: {
            const Symbol& s = lookup(n);
            if (s.kind == Symbol::Kind::Const)
                return s.index;
            return emit_const({s.kind == Symbol::Kind::T ? COp::Step : COp::Hparam, s.index, 0, 0, 0.0}, n.pos);
        }
        case Node::Kind::Call: {
            static constexpr COp kOps[] = {COp::Sqrt, COp::Abs, COp::Sign, COp::Exp,  COp::Log,
                                           COp::Tanh, COp::Min, COp::Max,  COp::Clip, COp::Select};
            ConstInstr c{kOps[static_cast<std::size_t>(n.fn)], 0, 0, 0, 0.0};
            std::uint32_t* slots[] = {&c.a, &c.b, &c.c};
            for (int k = 0; k < fn_info(n.fn).arity; ++k)
                *slots[k] = lower_const(n.args[k]);
            return emit_const(c, n.pos);
        }
        default: break;
        }
        static const std::map<Node::Kind, COp> kOps{
            {Node::Kind::Neg, COp::Neg}, {Node::Kind::Add, COp::Add}, {Node::Kind::Sub, COp::Sub},
            {Node::Kind::Mul, COp::Mul}, {Node::Kind::Div, COp::Div}, {Node::Kind::Pow, COp::Pow},
            {Node::Kind::Lt, COp::Lt},   {Node::Kind::Le, COp::Le},   {Node::Kind::Gt, COp::Gt},
            {Node::Kind::Ge, COp::Ge},   {Node::Kind::Eq, COp::Eq},   {Node::Kind::Ne, COp::Ne}};
        ConstInstr c{kOps.at(n.kind), lower_const(n.args[0]), 0, 0, 0.0};
        if (n.kind != Node::Kind::Neg)
            c.b = lower_const(n.args[1]);
        return emit_const(c, n.pos);
    }

    void constant(const Assignment& c)
    {
        if (const Node* e = element_name(c.root))
            fail(e->pos,
                 fmt::format("per-step constant '{}' depends on '{}', which changes with every element", c.name,
                             e->name),
                 "a const may use hyperparameters, t, numbers and earlier consts; write the element-wise part in "
                 "the update");
        const std::uint32_t value = lower_const(c.root);
        declare(c.name, c.pos, {Symbol::Kind::Const, value, c.pos}, "constant");
    }

    std::uint16_t target_register(const Assignment& s) const
    {
        const auto it = symbols_.find(s.name);
        if (it == symbols_.end())
            fail(s.pos, fmt::format("'{}' is not p or a declared state", s.name),
                 fmt::format("the update assigns p and the states; declare it first: state {}", s.name));
        switch (it->second.kind) {
        case Symbol::Kind::P: return 0;
        case Symbol::Kind::State: return static_cast<std::uint16_t>(2 + it->second.index);
        case Symbol::Kind::G: fail(s.pos, "cannot assign to g, the gradient (read only)", "assign p or a state");
        case Symbol::Kind::T: fail(s.pos, "cannot assign to t, the step number", "assign p or a state");
        case Symbol::Kind::Hparam:
            fail(s.pos, fmt::format("cannot assign to hyperparameter '{}'", s.name),
                 "hyperparameters are fixed; derive values with const, or keep them in a state");
        case Symbol::Kind::Const:
            fail(s.pos, fmt::format("cannot assign to per-step constant '{}'", s.name),
                 "constants are computed once per step; keep changing values in a state");
        }
        return 0;
    }

    Operand constant_operand(std::uint32_t value, SourcePos pos)
    {
        const auto it = std::find(prog_.constants.begin(), prog_.constants.end(), value);
        if (it != prog_.constants.end())
            return {true, static_cast<std::uint16_t>(it - prog_.constants.begin())};
        if (prog_.constants.size() >= kMaxConstants)
            fail(pos, fmt::format("more than {} per-step constants in the update", kMaxConstants),
                 "simplify the update");
        prog_.constants.push_back(value);
        return {true, static_cast<std::uint16_t>(prog_.constants.size() - 1)};
    }

    std::uint16_t new_temp(SourcePos pos)
    {
        for (std::size_t k = 0; k < kMaxTemps; ++k)
            if (!busy_[k]) {
                busy_[k] = true;
                prog_.temps = std::max(prog_.temps, k + 1);
                return static_cast<std::uint16_t>(kFixedRegs + k);
            }
        fail(pos, fmt::format("the update needs more than {} intermediate values at once", kMaxTemps),
             "split it with several statements");
    }
    void release(Operand o)
    {
        if (!o.constant && o.index >= kFixedRegs)
            busy_[o.index - kFixedRegs] = false;
    }
    Operand emit(ElemInstr in, SourcePos pos)
    {
        if (prog_.code.size() >= kMaxElemInstrs)
            fail(pos, fmt::format("the update has more than {} element-wise operations", kMaxElemInstrs),
                 "simplify the update");
        prog_.code.push_back(in);
        return {false, in.dst};
    }
    // A register holding o (a Broadcast into a temporary for a constant).
    Operand in_register(Operand o, SourcePos pos)
    {
        if (!o.constant)
            return o;
        return emit({EOp::Broadcast, Operands::RegReg, new_temp(pos), o.index, 0, 0}, pos);
    }

    Operand unary(EOp op, Operand a, SourcePos pos)
    {
        release(a);
        return emit({op, Operands::RegReg, new_temp(pos), a.index, 0, 0}, pos);
    }
    Operand binary(EOp op, Operand a, Operand b, SourcePos pos)
    {
        release(a);
        release(b);
        const Operands kinds = a.constant ? Operands::ConstReg : b.constant ? Operands::RegConst : Operands::RegReg;
        return emit({op, kinds, new_temp(pos), a.index, b.index, 0}, pos);
    }

    Operand power(const Node& n)
    {
        const Operand base = lower(n.args[0]);
        const Node& e = node(n.args[1]);
        if (e.kind == Node::Kind::Number && e.number == std::floor(e.number) && e.number <= 8.0) {
            const int k = static_cast<int>(e.number);
            if (k == 0) {
                release(base);
                return constant_operand(emit_const({COp::Number, 0, 0, 0, 1.0}, n.pos), n.pos);
            }
            Operand r = base;
            for (int j = 1; j < k; ++j) {
                // r*base: release r only after the product is emitted (base stays live until the end).
                const Operand prev = r;
                r = emit({EOp::Mul, Operands::RegReg, new_temp(n.pos), prev.index, base.index, 0}, n.pos);
                if (prev.index != base.index)
                    release(prev);
            }
            if (r.index != base.index)
                release(base);
            return r;
        }
        return binary(EOp::Pow, base, lower(n.args[1]), n.pos);
    }

    Operand lower(int i)
    {
        const Node& n = node(i);
        if (element_name(i) == nullptr)
            return constant_operand(lower_const(i), n.pos);
        switch (n.kind) {
        case Node::Kind::Name: {
            const Symbol& s = lookup(n);
            return {false, static_cast<std::uint16_t>(s.kind == Symbol::Kind::P   ? 0
                                                      : s.kind == Symbol::Kind::G ? 1
                                                                                  : 2 + s.index)};
        }
        case Node::Kind::Neg: return unary(EOp::Neg, lower(n.args[0]), n.pos);
        case Node::Kind::Pow: return power(n);
        case Node::Kind::Call: return call(n);
        default: break;
        }
        static const std::map<Node::Kind, EOp> kOps{{Node::Kind::Add, EOp::Add}, {Node::Kind::Sub, EOp::Sub},
                                                    {Node::Kind::Mul, EOp::Mul}, {Node::Kind::Div, EOp::Div},
                                                    {Node::Kind::Lt, EOp::Lt},   {Node::Kind::Le, EOp::Le},
                                                    {Node::Kind::Gt, EOp::Gt},   {Node::Kind::Ge, EOp::Ge},
                                                    {Node::Kind::Eq, EOp::Eq},   {Node::Kind::Ne, EOp::Ne}};
        const Operand a = lower(n.args[0]);
        const Operand b = lower(n.args[1]);
        return binary(kOps.at(n.kind), a, b, n.pos);
    }

    Operand call(const Node& n)
    {
        switch (n.fn) {
        case Fn::Sqrt: return unary(EOp::Sqrt, lower(n.args[0]), n.pos);
        case Fn::Abs: return unary(EOp::Abs, lower(n.args[0]), n.pos);
        case Fn::Sign: return unary(EOp::Sign, lower(n.args[0]), n.pos);
        case Fn::Exp: return unary(EOp::Exp, lower(n.args[0]), n.pos);
        case Fn::Log: return unary(EOp::Log, lower(n.args[0]), n.pos);
        case Fn::Tanh: return unary(EOp::Tanh, lower(n.args[0]), n.pos);
        case Fn::Min:
        case Fn::Max: {
            const Operand a = lower(n.args[0]);
            const Operand b = lower(n.args[1]);
            return binary(n.fn == Fn::Min ? EOp::Min : EOp::Max, a, b, n.pos);
        }
        case Fn::Clip: { // min(max(x, lo), hi)
            const Operand x = lower(n.args[0]);
            const Operand lo = lower(n.args[1]);
            const Operand low = binary(EOp::Max, x, lo, n.pos);
            return binary(EOp::Min, low, lower(n.args[2]), n.pos);
        }
        case Fn::Select: {
            const Operand c = in_register(lower(n.args[0]), n.pos);
            const Operand a = in_register(lower(n.args[1]), n.pos);
            const Operand b = in_register(lower(n.args[2]), n.pos);
            release(c);
            release(a);
            release(b);
            return emit({EOp::Select, Operands::RegReg, new_temp(n.pos), c.index, a.index, b.index}, n.pos);
        }
        }
        return {};
    }

    void statement(const Assignment& s, std::uint16_t target)
    {
        const std::size_t before = prog_.code.size();
        const Operand r = lower(s.root);
        if (!r.constant && r.index >= kFixedRegs && prog_.code.size() > before && prog_.code.back().dst == r.index) {
            prog_.code.back().dst = target; // the last operation writes the target itself
            release(r);
        } else if (r.constant) {
            emit({EOp::Broadcast, Operands::RegReg, target, r.index, 0, 0}, s.pos);
        } else if (r.index != target) {
            release(r);
            emit({EOp::Copy, Operands::RegReg, target, r.index, 0, 0}, s.pos);
        }
    }

    const OptFile& f_;
    std::map<std::string, Symbol> symbols_;
    Program prog_;
    bool busy_[kMaxTemps] = {};
};

double sign(double x)
{
    return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : 0.0;
}

} // namespace

CompiledFile compile(const OptFile& file)
{
    CompiledFile c = Compiler(file).run();
    c.program.builtin = kernels::builtin_index(c.program.code, c.program.state_count);
    return c;
}

void evaluate_constants(const Program& program, const double* hp, std::uint64_t t, double* v) noexcept
{
    const std::size_t n = program.const_code.size();
    for (std::size_t i = 0; i < n; ++i) {
        const ConstInstr& c = program.const_code[i];
        if (c.op == COp::Number || c.op == COp::Hparam || c.op == COp::Step) {
            v[i] = c.op == COp::Number ? c.number : c.op == COp::Hparam ? hp[c.a] : static_cast<double>(t);
            continue;
        }
        // Operands come before i; a unary operation's unused b is value 0, already computed.
        const double a = v[c.a], b = v[c.b];
        double r = 0.0;
        switch (c.op) {
        case COp::Number:
        case COp::Hparam:
        case COp::Step: break;
        case COp::Neg: r = -a; break;
        case COp::Add: r = a + b; break;
        case COp::Sub: r = a - b; break;
        case COp::Mul: r = a * b; break;
        case COp::Div: r = a / b; break;
        case COp::Pow: r = std::pow(a, b); break;
        case COp::Lt: r = a < b ? 1.0 : 0.0; break;
        case COp::Le: r = a <= b ? 1.0 : 0.0; break;
        case COp::Gt: r = a > b ? 1.0 : 0.0; break;
        case COp::Ge: r = a >= b ? 1.0 : 0.0; break;
        case COp::Eq: r = a == b ? 1.0 : 0.0; break;
        case COp::Ne: r = a != b ? 1.0 : 0.0; break;
        case COp::Sqrt: r = std::sqrt(a); break;
        case COp::Abs: r = std::fabs(a); break;
        case COp::Sign: r = sign(a); break;
        case COp::Exp: r = std::exp(a); break;
        case COp::Log: r = std::log(a); break;
        case COp::Tanh: r = std::tanh(a); break;
        case COp::Min: r = a < b ? a : b; break;
        case COp::Max: r = a > b ? a : b; break;
        case COp::Clip: {
            const double low = a > b ? a : b;
            r = low < v[c.c] ? low : v[c.c];
            break;
        }
        case COp::Select: r = a != 0.0 ? b : v[c.c]; break;
        }
        v[i] = r;
    }
}

} // namespace cgp::optfile
