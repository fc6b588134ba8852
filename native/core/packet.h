// TCP SYN packets for the SYN engine: Internet checksums (full and RFC 1624
// incremental), SYN templates for IPv4 (full IP header, for IP_HDRINCL) and
// IPv6 (TCP segment only; the kernel builds the IPv6 header), and parsing of
// the replies that decide a port's state (TCP SYN-ACK / RST / SYN, ICMP and
// ICMPv6 destination unreachable quoting our SYN).
// Pure functions over byte buffers: no sockets, no allocation on the hot path.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sweep_types.h"

namespace portpick {

// ---- Checksums (RFC 1071 / RFC 1624) ----

// Adds `length` bytes to a one's-complement running sum (big-endian 16-bit words;
// an odd trailing byte is padded with zero). Chain calls only on even lengths.
uint32_t checksum_accumulate(const uint8_t* data, size_t length, uint32_t sum);
// Folds a running sum to 16 bits and complements it: the value to store in a header.
uint16_t checksum_finish(uint32_t sum);
// RFC 1624 eqn. 3: the new checksum after a 16-bit field changed from `old_word` to `new_word`.
uint16_t checksum_update16(uint16_t checksum, uint16_t old_word, uint16_t new_word);
// The same for a 32-bit field (two 16-bit words).
uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value);

// ---- SYN templates ----

constexpr size_t kIpv4HeaderBytes = 20;
constexpr size_t kIpv6HeaderBytes = 40;
constexpr size_t kTcpSynHeaderBytes = 24;  // 20 + MSS option (4)
constexpr uint16_t kSynMss = 1460;
constexpr uint16_t kSynWindow = 1024;
constexpr uint8_t kSynTtl = 64;

// TCP flag bits (byte 13 of the TCP header).
constexpr uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPsh = 0x08, kTcpAck = 0x10;

// A SYN whose addresses, ports and sequence number are patched per probe, with
// the TCP checksum kept valid incrementally (no full recompute per packet).
// IPv4: bytes() is IP header + TCP (44 bytes), for an IP_HDRINCL raw socket; the
// IP header checksum is filled in (the kernel recomputes it anyway).
// IPv6: bytes() is IPv6 header + TCP (64 bytes); send tcp_bytes() on an
// IPPROTO_TCP raw socket (the kernel writes the IPv6 header).
class SynTemplate {
 public:
  explicit SynTemplate(uint8_t family);
  // Sets every per-probe field and returns the packet; the checksum is updated
  // incrementally from the previous packet's fields.
  void set(const Address& source, const Address& destination, uint16_t source_port,
           uint16_t destination_port, uint32_t sequence);
  const uint8_t* bytes() const { return packet_; }
  size_t size() const { return family_ == 4 ? kIpv4HeaderBytes + kTcpSynHeaderBytes : kIpv6HeaderBytes + kTcpSynHeaderBytes; }
  const uint8_t* tcp_bytes() const { return packet_ + ip_header_bytes(); }
  size_t tcp_size() const { return kTcpSynHeaderBytes; }
  uint8_t family() const { return family_; }

 private:
  size_t ip_header_bytes() const { return family_ == 4 ? kIpv4HeaderBytes : kIpv6HeaderBytes; }
  // Writes a word and keeps the TCP (and IPv4 header) checksums valid incrementally.
  void patch16(size_t offset, uint16_t value, bool in_ip_header);
  uint8_t family_;
  alignas(8) uint8_t packet_[kIpv6HeaderBytes + kTcpSynHeaderBytes]{};
};

// Full TCP checksum of a segment with the IPv4/IPv6 pseudo-header (the checksum
// field inside `tcp` is included as is: zero it first to compute, keep it to verify → 0).
uint16_t tcp_checksum(const Address& source, const Address& destination, const uint8_t* tcp, size_t tcp_length);

// ---- Replies ----

enum class ReplyKind : uint8_t { None = 0, SynAck, Rst, Syn, Icmp };

// What a received packet says about one of our probes. `target`/`target_port`
// are the probed endpoint; `local`/`local_port` are our side (SYN source).
struct ParsedReply {
  ReplyKind kind = ReplyKind::None;
  Address target;
  Address local;
  uint16_t target_port = 0;
  uint16_t local_port = 0;
  uint32_t sequence = 0;        // TCP: the reply's sequence number
  uint32_t acknowledgment = 0;  // TCP: the reply's ack (our cookie + 1 when genuine)
  uint32_t quoted_sequence = 0; // ICMP: the sequence number of the quoted SYN (our cookie)
  bool has_quoted_sequence = false;  // ICMP quotes may be only 8 bytes of TCP: seq is in them
  uint8_t tcp_flags = 0;
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
  uint8_t ttl = 0;
};

// IPv4 packet as read from an AF_INET raw socket (starts at the IP header).
// Returns false for anything that is not a well-formed TCP/ICMP packet of interest.
bool parse_ipv4_packet(const uint8_t* data, size_t length, ParsedReply& out);
// IPv6 TCP segment as read from an AF_INET6 IPPROTO_TCP raw socket (no IPv6 header):
// addresses and hop limit come from recvmsg.
bool parse_ipv6_tcp(const uint8_t* tcp, size_t length, const Address& source, const Address& destination,
                    uint8_t hop_limit, ParsedReply& out);
// ICMPv6 message as read from an AF_INET6 IPPROTO_ICMPV6 raw socket.
bool parse_icmpv6(const uint8_t* data, size_t length, uint8_t hop_limit, ParsedReply& out);

// Maps an ICMP (family 4) / ICMPv6 (family 6) destination-unreachable type/code to
// a port state and reason. False when the message does not decide a state.
bool classify_icmp(uint8_t family, uint8_t type, uint8_t code, PortState& state, Reason& reason);

}  // namespace portpick
