// Child processes for checks: fork, a pipe back to the parent for the outcome (a JSON line), a page
// shared with the parent for the last progress note, and a deadline after which the child is killed.
#include "isolation.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cgp::conformance {

namespace {

// The write end of the pipe in a child; -1 in the parent.
int g_channel = -1;

// The last progress note, in memory the child shares with its parent: a note is a copy into memory,
// never a system call, so a check may note every run of thousands, and the parent reads the note
// after the child has ended however it ended (a crash, a kill at the time limit). Two slots: a note
// is written into the one not in use, then published, so a child killed mid-copy leaves the previous
// note whole.
struct ProgressPage {
    std::atomic<unsigned> current;
    char text[2][2000];
};
ProgressPage* g_progress = nullptr; // in a child; nullptr in the parent
std::string g_context;              // the innermost ProgressContext's text

class SharedProgress {
public:
    SharedProgress()
    {
        void* p = ::mmap(nullptr, sizeof(ProgressPage), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED)
            page_ = new (p) ProgressPage{};
    }
    SharedProgress(const SharedProgress&) = delete;
    SharedProgress& operator=(const SharedProgress&) = delete;
    ~SharedProgress()
    {
        if (page_ != nullptr)
            ::munmap(page_, sizeof(ProgressPage));
    }
    ProgressPage* page() const { return page_; }
    std::string last() const
    {
        return page_ == nullptr ? std::string() : std::string(page_->text[page_->current.load() % 2]);
    }

private:
    ProgressPage* page_ = nullptr;
};

void write_all(int fd, std::string_view text) noexcept
{
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

void send(const nlohmann::json& message) noexcept
{
    if (g_channel < 0)
        return;
    try {
        write_all(g_channel, message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    } catch (...) {
        // Nothing sensible to do in a child that cannot report.
    }
}

// The child starts from a clean slate: default signal actions (the parent may be a test framework that
// catches SIGSEGV and would otherwise carry on inside the child), nothing blocked, no core files, and
// stdout folded into stderr; and killed when its parent dies (a check process stopped at its time limit
// takes its own child processes with it).
void prepare_child() noexcept
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS, SIGALRM, SIGPIPE, SIGINT, SIGTERM})
        std::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
}

[[noreturn]] void child_main(int channel, ProgressPage* progress, const std::function<Outcome()>& body) noexcept
{
    prepare_child();
    g_channel = channel;
    g_progress = progress;
    Outcome outcome;
    try {
        outcome = body();
    } catch (const std::exception& e) {
        outcome = {Status::Fail, e.what()};
    } catch (...) {
        outcome = {Status::Fail, "an unknown exception escaped"};
    }
    send({{"status", std::string(to_string(outcome.status))}, {"detail", outcome.detail}});
    std::fflush(stderr);
    ::_exit(0);
}

std::optional<Status> parse_status(const std::string& s)
{
    for (Status st : {Status::Pass, Status::Fail, Status::Skip})
        if (to_string(st) == s)
            return st;
    return std::nullopt;
}

// What the child said: its last progress note and its outcome, if it got that far.
struct ChildReport {
    std::string progress;
    std::optional<Outcome> outcome;
};

ChildReport parse_report(const std::string& text, std::string progress)
{
    ChildReport r{std::move(progress), std::nullopt};
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string::npos)
            end = text.size(); // a line cut short by a crash: parsed below, and ignored if incomplete
        const nlohmann::json j = nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(begin),
                                                       text.begin() + static_cast<std::ptrdiff_t>(end), nullptr, false);
        begin = end + 1;
        if (!j.is_object())
            continue;
        if (j.contains("status") && j["status"].is_string()) {
            const auto st = parse_status(j["status"].get<std::string>());
            if (st)
                r.outcome = Outcome{*st, j.value("detail", std::string())};
        }
    }
    return r;
}

std::string while_doing(const ChildReport& r)
{
    return r.progress.empty() ? std::string() : " while " + r.progress;
}

std::string describe_signal(int sig)
{
    const char* abbrev = ::sigabbrev_np(sig);
    const char* text = ::strsignal(sig);
    return fmt::format("SIG{} ({})", abbrev != nullptr ? abbrev : std::to_string(sig), text != nullptr ? text : "?");
}

} // namespace

void note_progress(std::string_view what)
{
    if (g_progress == nullptr)
        return;
    const unsigned next = (g_progress->current.load(std::memory_order_relaxed) + 1) % 2;
    char* const slot = g_progress->text[next];
    const std::size_t size = sizeof g_progress->text[next] - 1;
    const std::string_view context = g_context;
    std::size_t n = std::min(what.size(), size);
    std::memcpy(slot, what.data(), n);
    if (!context.empty() && n + context.size() + 3 <= size) {
        slot[n++] = ' ', slot[n++] = '(';
        std::memcpy(slot + n, context.data(), context.size());
        n += context.size();
        slot[n++] = ')';
    }
    slot[n] = '\0';
    g_progress->current.store(next, std::memory_order_release);
}

ProgressContext::ProgressContext(std::string text) : previous_(std::exchange(g_context, std::move(text)))
{
}

ProgressContext::~ProgressContext()
{
    g_context = std::move(previous_);
}

Outcome run_isolated(const std::function<Outcome()>& body, std::chrono::milliseconds timeout)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return {Status::Fail, fmt::format("cannot create a pipe for the check process: {}", std::strerror(errno))};
    const SharedProgress progress;
    std::fflush(nullptr); // nothing buffered may be written twice
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        return {Status::Fail, fmt::format("cannot start a check process: {}", std::strerror(err))};
    }
    if (pid == 0) {
        ::close(fds[0]);
        child_main(fds[1], progress.page(), body);
    }
    ::close(fds[1]);

    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + timeout;
    std::string received;
    bool timed_out = false;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd pfd{fds[0], POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (ready < 0 && errno != EINTR)
            break;
        if (ready <= 0)
            continue;
        char buffer[4096];
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // end of file: the child has finished or died
        received.append(buffer, static_cast<std::size_t>(n));
    }
    if (timed_out)
        ::kill(pid, SIGKILL);
    ::close(fds[0]);
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {}

    const ChildReport report = parse_report(received, progress.last());
    if (timed_out)
        return {Status::Fail,
                fmt::format("stopped after {:g} s without finishing{}; a step that never returns? --timeout sets the "
                            "limit",
                            static_cast<double>(timeout.count()) / 1000.0, while_doing(report))};
    if (WIFSIGNALED(wstatus))
        return {Status::Fail,
                fmt::format("crashed with {}{}", describe_signal(WTERMSIG(wstatus)), while_doing(report))};
    if (!report.outcome)
        return {Status::Fail,
                fmt::format("the check process exited with status {} before reporting{}; does the plugin call exit()?",
                            WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1, while_doing(report))};
    return *report.outcome;
}

} // namespace cgp::conformance
