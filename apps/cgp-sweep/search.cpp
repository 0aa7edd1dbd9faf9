// Random search: parsing distributions, checking them against the optimizers, drawing trials.
#include "search.hpp"

#include "../common/cli.hpp"

#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace cgp::sweep {
namespace {

struct Cursor {
    const std::string& text;
    const std::string& origin;
    [[noreturn]] void fail(std::size_t at, const std::string& message, const std::string& hint = {}) const
    {
        throw SourceError(origin, {1, static_cast<int>(at) + 1}, text, message,
                          hint.empty() ? "write KEY=loguniform(LO,HI), uniform(LO,HI), int(LO,HI) or choice(V1,V2,...)"
                                       : hint);
    }
};

std::string trimmed(const std::string& s, std::size_t& first)
{
    const auto a = s.find_first_not_of(" \t");
    const auto b = s.find_last_not_of(" \t");
    if (a == std::string::npos) {
        first = s.size();
        return {};
    }
    first = a;
    return s.substr(a, b - a + 1);
}

bool number(const std::string& text, double& out)
{
    const char* first = text.data();
    const char* last = first + text.size();
    if (first != last && *first == '+')
        ++first;
    const auto [p, ec] = std::from_chars(first, last, out);
    return ec == std::errc() && p == last && std::isfinite(out);
}

std::string fmt_whole(double v)
{
    return fmt::format("{:.0f}", v);
}

} // namespace

Distribution parse_distribution(const std::string& text, const std::string& origin)
{
    const Cursor c{text, origin};
    Distribution d;
    d.text = text;
    const auto eq = text.find('=');
    if (eq == std::string::npos)
        c.fail(text.size(), "expected '=' after the hyperparameter");
    std::size_t at = 0;
    d.key = trimmed(text.substr(0, eq), at);
    std::replace(d.key.begin(), d.key.end(), '_', '-');
    if (d.key.empty())
        c.fail(0, "the hyperparameter before '=' is missing");
    const auto open = text.find('(', eq);
    if (open == std::string::npos)
        c.fail(text.size(), "expected '(' after the distribution's name");
    std::size_t kind_at = 0;
    const std::string kind = trimmed(text.substr(eq + 1, open - eq - 1), kind_at);
    kind_at += eq + 1;
    if (kind == "loguniform")
        d.kind = DistKind::LogUniform;
    else if (kind == "uniform")
        d.kind = DistKind::Uniform;
    else if (kind == "int")
        d.kind = DistKind::Int;
    else if (kind == "choice")
        d.kind = DistKind::Choice;
    else
        c.fail(kind_at, fmt::format("unknown distribution '{}'", kind));
    const auto close = text.find(')', open);
    if (close == std::string::npos)
        c.fail(text.size(), "expected ')' to close the arguments");
    if (close + 1 != text.size() && text.find_first_not_of(" \t", close + 1) != std::string::npos)
        c.fail(close + 1, "unexpected text after ')'");
    std::vector<std::pair<std::string, std::size_t>> args;
    for (std::size_t start = open + 1;;) {
        const auto comma = std::min(text.find(',', start), close);
        std::size_t first = 0;
        const std::string a = trimmed(text.substr(start, comma - start), first);
        if (a.empty())
            c.fail(start, "an empty argument");
        args.emplace_back(a, start + first);
        if (comma == close)
            break;
        start = comma + 1;
    }
    if (d.kind == DistKind::Choice) {
        for (const auto& [a, pos] : args) {
            double v = 0.0;
            if (!number(a, v))
                c.fail(pos, fmt::format("'{}' is not a finite number", a));
            if (std::find(d.choices.begin(), d.choices.end(), a) != d.choices.end())
                c.fail(pos, fmt::format("'{}' is listed twice", a));
            d.choices.push_back(a);
        }
        return d;
    }
    if (args.size() != 2)
        c.fail(open + 1, fmt::format("{} takes two arguments, LO and HI", kind));
    if (!number(args[0].first, d.lo))
        c.fail(args[0].second, fmt::format("'{}' is not a finite number", args[0].first));
    if (!number(args[1].first, d.hi))
        c.fail(args[1].second, fmt::format("'{}' is not a finite number", args[1].first));
    if (!(d.lo < d.hi) && !(d.kind == DistKind::Int && d.lo == d.hi))
        c.fail(args[0].second, fmt::format("LO {} is not below HI {}", args[0].first, args[1].first));
    if (d.kind == DistKind::LogUniform && d.lo <= 0)
        c.fail(args[0].second, "loguniform needs LO > 0", "use uniform(LO,HI) for ranges that include 0");
    if (d.kind == DistKind::Int && (d.lo != std::floor(d.lo) || d.hi != std::floor(d.hi)))
        c.fail(args[0].second, "int needs whole numbers");
    return d;
}

bool applies(const Distribution& d, const Plugin& plugin)
{
    return std::any_of(plugin.hparams().begin(), plugin.hparams().end(),
                       [&](const HyperParam& h) { return h.option_name() == d.key; });
}

void check_distributions(const std::vector<Distribution>& dists,
                         const std::vector<std::shared_ptr<const Plugin>>& optimizers)
{
    for (std::size_t i = 0; i < dists.size(); ++i) {
        const Distribution& d = dists[i];
        for (std::size_t j = 0; j < i; ++j)
            if (dists[j].key == d.key)
                throw cli::UsageError(fmt::format("--search {}: '{}' is searched twice", d.text, d.key));
        bool any = false;
        for (const auto& p : optimizers) {
            for (const HyperParam& h : p->hparams()) {
                if (h.option_name() != d.key)
                    continue;
                any = true;
                if ((h.flags & CGP_HPARAM_INTEGER) && (d.kind == DistKind::LogUniform || d.kind == DistKind::Uniform))
                    throw cli::UsageError(fmt::format("--search {}: {} is a whole number for {} ({}), which {} does "
                                                      "not draw\nhint: write {}=int({},{}) or {}=choice(...)",
                                                      d.text, d.key, p->id(), h.range_text(),
                                                      d.kind == DistKind::Uniform ? "uniform" : "loguniform", d.key,
                                                      fmt_whole(h.min_value), fmt_whole(h.max_value), d.key));
                std::vector<double> edges{d.lo, d.hi};
                if (d.kind == DistKind::Choice) {
                    edges.clear();
                    for (const std::string& v : d.choices)
                        edges.push_back(std::stod(v));
                }
                for (double v : edges) {
                    if ((h.flags & CGP_HPARAM_INTEGER) && v != std::floor(v))
                        throw cli::UsageError(fmt::format("--search {}: {} is not a whole number, as {} is for {}\n"
                                                          "hint: keep the values inside {}",
                                                          d.text, v, d.key, p->id(), h.range_text()));
                    if (v < h.min_value || v > h.max_value)
                        throw cli::UsageError(fmt::format("--search {}: {} is outside {}'s range {} for {}\n"
                                                          "hint: keep the distribution inside {}",
                                                          d.text, v, d.key, h.range_text(), p->id(), h.range_text()));
                }
            }
        }
        if (!any) {
            std::string have;
            for (const auto& p : optimizers) {
                std::string keys;
                for (const HyperParam& h : p->hparams())
                    keys += (keys.empty() ? "" : " ") + h.option_name();
                have += fmt::format("\n  {}: {}", p->id(), keys.empty() ? "(none)" : keys);
            }
            throw cli::UsageError(
                fmt::format("--search {}: '{}' is not a hyperparameter of the chosen optimizers, which have:{}", d.text,
                            d.key, have));
        }
    }
}

void check_draws(const std::vector<Distribution>& dists, const std::vector<std::shared_ptr<const Plugin>>& optimizers,
                 std::uint64_t seed, const std::vector<std::string>& problems, std::size_t budget)
{
    for (const std::string& problem : problems)
        for (const auto& p : optimizers)
            for (std::size_t t = 0; t < budget; ++t) {
                const TrialConfig c = sample_trial(dists, *p, seed, problem, t);
                try {
                    p->validate(c.hparams);
                } catch (const Error& e) {
                    std::string drawn;
                    for (const auto& [k, v] : c.values)
                        drawn += fmt::format(" {}={}", k, v);
                    std::string texts;
                    for (const Distribution& d : dists)
                        if (applies(d, *p))
                            texts += (texts.empty() ? "" : " ") + d.text;
                    throw cli::UsageError(fmt::format("--search {}: trial {} of {} on '{}' draws{}, which {} refuses: "
                                                      "{}\nhint: narrow the distribution to the values {} accepts",
                                                      texts, t, p->id(), problem, drawn, p->id(), e.what(), p->id()));
                }
            }
}

std::uint64_t mix64(std::initializer_list<std::uint64_t> words) noexcept
{
    std::uint64_t h = 0x243F6A8885A308D3ull;
    for (std::uint64_t w : words) {
        std::uint64_t z = h ^ (w + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        h = z ^ (z >> 31);
    }
    return h;
}

std::uint64_t text_key(std::string_view text) noexcept
{
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return h;
}

double unit_interval(std::uint64_t bits) noexcept
{
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

Drawn draw(const Distribution& d, double u)
{
    Drawn out;
    switch (d.kind) {
    case DistKind::LogUniform: out.number = std::exp(std::log(d.lo) + u * (std::log(d.hi) - std::log(d.lo))); break;
    case DistKind::Uniform: out.number = d.lo + u * (d.hi - d.lo); break;
    case DistKind::Int: {
        const double n = d.hi - d.lo + 1;
        out.number = d.lo + std::min(n - 1, std::floor(u * n));
        out.text = fmt::format("{:.0f}", out.number);
        return out;
    }
    case DistKind::Choice: {
        const std::size_t i =
            std::min(d.choices.size() - 1, static_cast<std::size_t>(u * static_cast<double>(d.choices.size())));
        out.text = d.choices[i];
        out.number = std::stod(out.text);
        return out;
    }
    }
    out.number = std::clamp(out.number, d.lo, d.hi);
    out.text = fmt::format("{:.4g}", out.number);
    return out;
}

TrialConfig sample_trial(const std::vector<Distribution>& dists, const Plugin& plugin, std::uint64_t seed,
                         std::string_view problem, std::size_t trial)
{
    TrialConfig c;
    c.hparams = plugin.defaults();
    for (std::size_t k = 0; k < dists.size(); ++k) {
        const Distribution& d = dists[k];
        const int h = [&] {
            for (std::size_t i = 0; i < plugin.hparams().size(); ++i)
                if (plugin.hparams()[i].option_name() == d.key)
                    return static_cast<int>(i);
            return -1;
        }();
        if (h < 0)
            continue;
        const double u = unit_interval(mix64({seed, text_key(problem), text_key(plugin.id()), trial, text_key(d.key)}));
        const Drawn v = draw(d, u);
        c.hparams[static_cast<std::size_t>(h)] = v.number;
        c.values.emplace_back(d.key, v.text);
    }
    return c;
}

} // namespace cgp::sweep
