// cgp/host/crash_report.hpp: which plugin call was running when the program crashed.
//
// The host marks every call into a plugin's step (PluginCallMark); a program installs the crash
// handler once (install_crash_report). On SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT during a plugin
// call the handler writes, with write(2) only (async-signal-safe), e.g.
//   cgp-run: optimizer plugin 'crash' (/path/crash.so) crashed in step 12 with SIGSEGV (Segmentation fault)
//   <the program's note, e.g. where the last checkpoint is>
// and re-raises the signal, so the exit status still reports the crash. Marking a call copies no
// text unless the plugin changed since the last call, and allocates nothing.
#pragma once

#include <cstdint>

namespace cgp {

class Plugin;

// Marks a call into `plugin`'s step number `step` for its lifetime.
class PluginCallMark {
public:
    PluginCallMark(const Plugin& plugin, std::uint64_t step) noexcept;
    ~PluginCallMark();
    PluginCallMark(const PluginCallMark&) = delete;
    PluginCallMark& operator=(const PluginCallMark&) = delete;
};

// Installs the handler (on an alternate signal stack, so a stack overflow is reported too).
// `program` and `note` are copied; note may be empty. Call again to change the note.
void install_crash_report(const char* program, const char* note);

} // namespace cgp
