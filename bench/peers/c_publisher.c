/* A publisher at full speed on Debian's libzmq: sends `count` messages of `size` bytes, then stops.
   Each payload starts with an 8-byte sequence number so receivers can count gaps. */
#include <zmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: %s endpoint count size type(pub|push)\n", argv[0]); return 2; }
  const char *endpoint = argv[1];
  long count = atol(argv[2]);
  size_t size = (size_t)atol(argv[3]);
  int push = strcmp(argv[4], "push") == 0;
  void *ctx = zmq_ctx_new();
  void *sock = zmq_socket(ctx, push ? ZMQ_PUSH : ZMQ_PUB);
  int hwm = 0; /* unlimited: the benchmark measures the receiver, not libzmq's drops */
  zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
  if (zmq_bind(sock, endpoint) != 0) { fprintf(stderr, "bind: %s\n", zmq_strerror(zmq_errno())); return 1; }
  printf("READY\n"); fflush(stdout);
  /* Wait for the go line on stdin: the receiver is connected and subscribed. */
  char line[16];
  if (!fgets(line, sizeof line, stdin)) return 1;
  char *buf = calloc(1, size < 8 ? 8 : size);
  for (long i = 0; i < count; i++) {
    memcpy(buf, &i, sizeof i);
    zmq_send(sock, buf, size, 0);
  }
  /* Stop marker: an 8-byte payload of -1. */
  long stop = -1;
  memcpy(buf, &stop, sizeof stop);
  for (int i = 0; i < 10; i++) zmq_send(sock, buf, size, 0);
  printf("SENT\n"); fflush(stdout);
  fgets(line, sizeof line, stdin);
  zmq_close(sock);
  zmq_ctx_term(ctx);
  return 0;
}
