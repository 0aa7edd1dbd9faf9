// isolation.hpp: runs a piece of work in a forked child process with a time limit, and turns a crash,
// an abort, an early exit or a hang of the child into a failed Outcome that says what the child was
// doing at the time (the last note_progress() text).
#pragma once

#include "conformance.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace cgp::conformance {

// Runs body in a child process. The child's stdout goes to stderr, so whatever the plugin prints never
// mixes with a report on stdout. Blocks until the child ends or the time limit kills it.
Outcome run_isolated(const std::function<Outcome()>& body, std::chrono::milliseconds timeout);

// Tells the parent what the child is about to do, for the report if it then crashes or hangs.
// Does nothing outside run_isolated. Cheap (a copy into memory shared with the parent), so a check may
// note every run; called from the check's own thread only.
void note_progress(std::string_view what);

// While one lives, every note ends with its text in parentheses ("(with lr=0 (its lower end))"), so a
// crash or hang names, say, the hyperparameter set as well as the run. Nested ones replace each other.
class ProgressContext {
public:
    explicit ProgressContext(std::string text);
    ProgressContext(const ProgressContext&) = delete;
    ProgressContext& operator=(const ProgressContext&) = delete;
    ~ProgressContext();

private:
    std::string previous_;
};

} // namespace cgp::conformance
