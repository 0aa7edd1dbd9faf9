// Look-ups in the tables of operations and losses (cgp/language/ops.hpp): functions, activations and
// losses by name.
#include <cgp/io/error.hpp>
#include <cgp/language/ops.hpp>

namespace cgp {

std::optional<Op> function_op(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < kOpCount; ++i)
        if (kOps[i].function && kOps[i].name == name)
            return static_cast<Op>(i);
    return std::nullopt;
}

std::string function_names()
{
    std::string out;
    for (const OpInfo& op : kOps)
        if (op.function)
            out += (out.empty() ? "" : " ") + std::string(op.name);
    return out;
}

std::optional<Op> activation_op(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < kOpCount; ++i)
        if (kOps[i].activation && kOps[i].name == name)
            return static_cast<Op>(i);
    return std::nullopt;
}

std::string activation_names(std::string_view sep)
{
    std::string out(to_string(Op::Identity));
    for (std::size_t i = 0; i < kOpCount; ++i)
        if (kOps[i].activation && static_cast<Op>(i) != Op::Identity)
            out += std::string(sep) + std::string(kOps[i].name);
    return out;
}

std::string loss_names()
{
    std::string out;
    for (const LossInfo& l : kLosses)
        out += (out.empty() ? "" : ", ") + std::string(l.name);
    return out;
}

Loss parse_loss(std::string_view name)
{
    for (std::size_t i = 0; i < kLossCount; ++i)
        if (kLosses[i].name == name)
            return static_cast<Loss>(i);
    throw Error("unknown --loss '" + std::string(name) + "'\nhint: use one of " + loss_names());
}

} // namespace cgp
