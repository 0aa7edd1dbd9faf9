// The crash report: a fixed buffer naming the plugin call in progress, and the signal handler that
// writes it and re-raises the signal.
#include <cgp/host/crash_report.hpp>
#include <cgp/host/plugin.hpp>

#include <atomic>
#include <csignal>
#include <cstring>
#include <unistd.h>

namespace cgp {

namespace {

constexpr std::size_t kText = 1024;

// Written by the host before each plugin call, read by the handler; one per thread, so parallel
// runs (cgp-sweep) each name their own call.
struct CallState {
    char plugin[kText] = {}; // "'id' (path)"
    const void* plugin_object = nullptr;
    std::atomic<std::uint64_t> step{0};
    std::atomic<bool> active{false};
};
thread_local CallState g_call; // the handler runs on the thread that crashed
char g_program[128] = "cgp";
char g_note[kText] = {};
alignas(16) char g_alt_stack[1 << 16];

void append(char* out, std::size_t cap, std::size_t& n, const char* text)
{
    for (; *text != '\0' && n + 1 < cap; ++text)
        out[n++] = *text;
    out[n] = '\0';
}

void append_number(char* out, std::size_t cap, std::size_t& n, std::uint64_t v)
{
    char digits[24];
    std::size_t d = 0;
    do {
        digits[d++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (d > 0 && n + 1 < cap)
        out[n++] = digits[--d];
    out[n] = '\0';
}

const char* signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV (Segmentation fault)";
    case SIGBUS: return "SIGBUS (Bus error)";
    case SIGILL: return "SIGILL (Illegal instruction)";
    case SIGFPE: return "SIGFPE (Floating-point exception)";
    case SIGABRT: return "SIGABRT (Aborted)";
    default: return "a signal";
    }
}

void on_crash(int sig)
{
    if (g_call.active.load(std::memory_order_relaxed)) {
        char line[3 * kText];
        std::size_t n = 0;
        append(line, sizeof line, n, g_program);
        append(line, sizeof line, n, ": optimizer plugin ");
        append(line, sizeof line, n, g_call.plugin);
        append(line, sizeof line, n, " crashed in step ");
        append_number(line, sizeof line, n, g_call.step.load(std::memory_order_relaxed));
        append(line, sizeof line, n, " with ");
        append(line, sizeof line, n, signal_name(sig));
        append(line, sizeof line, n, "\n");
        if (g_note[0] != '\0') {
            append(line, sizeof line, n, g_note);
            append(line, sizeof line, n, "\n");
        }
        [[maybe_unused]] const ssize_t w = ::write(STDERR_FILENO, line, n);
    }
    // SA_RESETHAND restored the default action: the signal ends the program as a crash.
    ::raise(sig);
}

} // namespace

PluginCallMark::PluginCallMark(const Plugin& plugin, std::uint64_t step) noexcept
{
    if (g_call.plugin_object != &plugin) {
        g_call.active.store(false, std::memory_order_relaxed);
        std::size_t n = 0;
        append(g_call.plugin, kText, n, "'");
        append(g_call.plugin, kText, n, plugin.id().c_str());
        append(g_call.plugin, kText, n, "' (");
        append(g_call.plugin, kText, n, plugin.path().c_str());
        append(g_call.plugin, kText, n, ")");
        g_call.plugin_object = &plugin;
    }
    g_call.step.store(step, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    g_call.active.store(true, std::memory_order_relaxed);
}

PluginCallMark::~PluginCallMark()
{
    g_call.active.store(false, std::memory_order_relaxed);
}

void install_crash_report(const char* program, const char* note)
{
    std::size_t n = 0;
    append(g_program, sizeof g_program, n, program);
    n = 0;
    append(g_note, sizeof g_note, n, note != nullptr ? note : "");
    stack_t alt{};
    alt.ss_sp = g_alt_stack;
    alt.ss_size = sizeof g_alt_stack;
    ::sigaltstack(&alt, nullptr);
    struct sigaction sa {};
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
        ::sigaction(sig, &sa, nullptr);
}

} // namespace cgp
