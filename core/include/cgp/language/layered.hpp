// cgp/language/layered.hpp: the statements of a generated layered model (model.hpp's layered_model).
// layered_model writes no text: build_graph builds its graph straight from the layer sizes, and
// these lines are written only where the text itself is wanted (traces, tests).
#pragma once

#include <string>
#include <vector>

namespace cgp {

// The statements of layered_model(layers), one line each: "x1_0=w1_0_0*x0_0+w1_0_1*x0_1+...".
std::vector<std::string> layered_statements(const std::vector<int>& layers);

} // namespace cgp
