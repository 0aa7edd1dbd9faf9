// surface.hpp: the 2-D loss surfaces cgp-path draws optimizer paths on: built-in test functions
// with closed-form gradients, and any function of two parameters in cgp's expression language,
// differentiated exactly by the tape.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cgp::path {

struct Surface {
    std::string name;                          // "rosenbrock", or "expression"
    std::string formula;                       // for titles: "(1-x)^2 + 100 (y-x^2)^2"
    std::array<std::string, 2> axes{"x", "y"}; // the two parameters' names
    std::array<double, 4> box{};               // xmin, xmax, ymin, ymax: the region drawn
    std::array<double, 2> start{};             // default start point
    std::size_t steps = 200;                   // default number of steps
    std::vector<std::string> optimizers;       // default optimizer specifications
    // The value at p, with the gradient written to g.
    std::function<double(const std::array<double, 2>& p, std::array<double, 2>& g)> evaluate;
};

// The built-in surfaces' names, space-separated.
std::string surface_names();

// A built-in surface by name, or, when the text is not a name, an expression surface. Throws
// cgp::Error naming the surface (and listing the built-ins) when it is neither.
Surface make_surface(std::string_view text);

// An expression of exactly two parameters and no input variables: "f = (1-a)^2 + 100*(b-a^2)^2",
// or the expression alone. The parameters are the axes in the order they first appear. Throws
// cgp::Error (SourceError for the syntax) saying what is wrong.
Surface expression_surface(std::string_view text);

} // namespace cgp::path
