// Ground-truth listener for bench/ and `portpick bench`: accepts on every given
// port and closes each connection at once, on one epoll loop. It exists so that
// the lab's listener is not what limits a sweep: on 2 cores a Node accept loop
// falls behind a fast connect scan, the listen queue overflows, SYNs are dropped
// and every scanner's time then measures the listener rather than itself.
//
//   portpick_lab_listener HOST PORT[,PORT...]
//
// HOST "::" listens dual-stack (IPv4 and IPv6). Prints "ready" once every port
// listens; exits when stdin closes (its parent went away) or after 3 hours.
// Plain C++17 and POSIX; no Node headers (built beside the addon by CMakeLists.txt).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "portpick_lab_listener: %s\n", message.c_str());
  return 2;
}

bool parse_ports(const char* text, std::vector<int>& ports) {
  std::string list(text);
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char* end = nullptr;
    long port = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || port < 1 || port > 65535) {
      std::fprintf(stderr, "portpick_lab_listener: Expected a port from 1 to 65535, got `%s`\n", item.c_str());
      return false;
    }
    ports.push_back(static_cast<int>(port));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

int listen_on(const char* host, int port) {
  const bool v6 = std::strchr(host, ':') != nullptr;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  int zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int bound = -1;
  if (v6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, host, &address.sin6_addr) != 1) return -1;
    bound = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  } else {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) return -1;
    bound = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  }
  // The kernel caps the backlog at net.core.somaxconn.
  if (bound != 0 || listen(fd, 65535) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return fail("usage: portpick_lab_listener HOST PORT[,PORT...]");
  std::vector<int> ports;
  if (!parse_ports(argv[2], ports)) return 2;
  int epoll = epoll_create1(EPOLL_CLOEXEC);
  if (epoll < 0) return fail(std::string("epoll_create1: ") + std::strerror(errno));
  for (int port : ports) {
    int fd = listen_on(argv[1], port);
    if (fd < 0) return fail(std::string("cannot listen on ") + argv[1] + " port " + std::to_string(port) + ": " + std::strerror(errno));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
  }
  epoll_event input{};
  input.events = EPOLLIN | EPOLLHUP;
  input.data.fd = STDIN_FILENO;
  epoll_ctl(epoll, EPOLL_CTL_ADD, STDIN_FILENO, &input);
  alarm(3 * 3600);  // bounded in time whatever happens to the parent
  std::printf("ready\n");
  std::fflush(stdout);

  epoll_event events[64];
  for (;;) {
    int ready = epoll_wait(epoll, events, 64, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return fail(std::string("epoll_wait: ") + std::strerror(errno));
    }
    for (int i = 0; i < ready; ++i) {
      int fd = events[i].data.fd;
      if (fd == STDIN_FILENO) {
        char buffer[256];
        ssize_t got = read(STDIN_FILENO, buffer, sizeof buffer);
        if (got <= 0) return 0;  // parent closed our stdin: done
        continue;
      }
      for (;;) {
        int connection = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) break;  // EAGAIN: queue drained (EMFILE etc.: retry on the next wake-up)
        close(connection);
      }
    }
  }
}
