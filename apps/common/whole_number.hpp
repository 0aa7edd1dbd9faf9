// whole_number.hpp: the value type of every integer option of the cgp programs. It accepts only
// whole numbers written as digits (no sign, fraction or exponent) that fit the target type, so
// `--iterations -1` is a usage error naming the option instead of 2^64 - 1 iterations.
#pragma once

#include <boost/program_options.hpp>

#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cgp::cli {

// text as a T when it is digits only and fits.
template <class T>
std::optional<T> parse_whole(std::string_view text)
{
    T value{};
    const char* end = text.data() + text.size();
    if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end)
        return std::nullopt;
    return value;
}

template <class T>
class WholeNumber final : public boost::program_options::typed_value<T> {
    static_assert(std::is_integral_v<T>, "whole numbers are integers");

public:
    explicit WholeNumber(T* store) : boost::program_options::typed_value<T>(store) {}

    void xparse(boost::any& value_store, const std::vector<std::string>& tokens) const override
    {
        namespace po = boost::program_options;
        if (tokens.size() != 1)
            throw po::validation_error(po::validation_error::multiple_values_not_allowed);
        const std::string& text = tokens.front();
        const std::optional<T> value = parse_whole<T>(text);
        if (!value) {
            po::error_with_option_name e(
                std::string(
                    "the argument ('%value%') for option '%canonical_option%' is not a whole number from 0 to ") +
                std::to_string(std::numeric_limits<T>::max()));
            e.set_substitute("value", text);
            throw e;
        }
        value_store = *value;
    }
};

// po::value(store) for an integer option, checked as a whole number.
template <class T>
WholeNumber<T>* whole(T* store)
{
    return new WholeNumber<T>(store);
}

} // namespace cgp::cli
