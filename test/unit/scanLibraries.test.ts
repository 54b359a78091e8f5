// The bindings real projects use, each on a program written the way its documentation and examples
// write them: czmq (zsock and the older zsocket API), clrzmq4, goczmq (default bind/connect per
// constructor), zmqpp (socket_type aliases), cppzmq members in constructor initialiser lists, zeromq.js
// classes without parentheses, NetMQ 3 factories, the pure-Rust `zeromq` crate, random-port binds; and
// what must not count (an application object's `connect(host, port)`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanSource } from '../../src/core/scan';

/** `TYPE variable line` per socket and `action TYPE endpoint` per use. */
function scan(path: string, text: string) {
  const result = scanSource(path, text);
  assert.equal(result.skipped, undefined);
  return {
    sockets: result.sockets.map((s) => `${s.type} ${s.variable ?? '-'} ${s.range.line + 1}`),
    uses: result.uses.map(
      (u) => `${u.action} ${u.socketType ?? '-'} ${u.endpoint.resolved ? u.endpoint.address : `?${u.endpoint.expression}`}`,
    ),
  };
}

test('czmq zsock: smart constructors with @/> and per-type defaults, zsock_new + printf-style zsock_bind/connect, NULL endpoints', () => {
  const text = [
    '#include <czmq.h>',
    'int main (void) {',
    '    zsock_t *publisher = zsock_new_pub ("@tcp://*:5556");',
    '    zsock_t *subscriber = zsock_new_sub (">tcp://localhost:5557", "weather");',
    '    zsock_t *sink = zsock_new_pull ("tcp://*:5559");',
    '    zsock_t *requester = zsock_new_req ("tcp://localhost:5560");',
    '    zsock_t *worker = zsock_new (ZMQ_DEALER);',
    '    zsock_connect (worker, "tcp://localhost:%d", 5558);',
    '    zsock_t *router = zsock_new (ZMQ_ROUTER);',
    '    int port = zsock_bind (router, "tcp://127.0.0.1:*");',
    '    zsock_t *pair = zsock_new_pair ("@inproc://a,>inproc://b");',
    '    zsock_t *later = zsock_new_pub (NULL);',
    '    zsock_attach (later, "tcp://*:5561", true);',
    '    return 0;',
    '}',
  ].join('\n');
  assert.deepEqual(scan('czmq/server.c', text), {
    sockets: [
      'PUB publisher 3',
      'SUB subscriber 4',
      'PULL sink 5',
      'REQ requester 6',
      'DEALER worker 7',
      'ROUTER router 9',
      'PAIR pair 11',
      'PUB later 12',
    ],
    uses: [
      'bind PUB tcp://*:5556',
      'connect SUB tcp://localhost:5557',
      'bind PULL tcp://*:5559',
      'connect REQ tcp://localhost:5560',
      'connect DEALER tcp://localhost:5558',
      'bind ROUTER tcp://127.0.0.1:*',
      'bind PAIR inproc://a',
      'connect PAIR inproc://b',
      'bind PUB tcp://*:5561',
    ],
  });
});

test('czmq zsocket (the older API): zsocket_new(ctx, ZMQ_X), zsocket_bind / zsocket_connect with formats', () => {
  const text = [
    '#include "czmq.h"',
    'int main (void) {',
    '    zctx_t *ctx = zctx_new ();',
    '    void *publisher = zsocket_new (ctx, ZMQ_PUB);',
    '    zsocket_bind (publisher, "tcp://*:%d", 5562);',
    '    void *subscriber = zsocket_new (ctx, ZMQ_SUB);',
    '    zsocket_connect (subscriber, "tcp://%s:%d", "localhost", 5562);',
    '}',
  ].join('\n');
  assert.deepEqual(scan('old/pubsub.c', text).uses, ['bind PUB tcp://*:5562', 'connect SUB tcp://localhost:5562']);
});

test('clrzmq4 (the "ZeroMQ" NuGet package): new ZSocket(ctx, ZSocketType.X), Bind/Connect', () => {
  const text = [
    'using System;',
    'using ZeroMQ;',
    'namespace Examples {',
    '  static partial class Program {',
    '    public static void HWServer(string[] args) {',
    '      using (var context = new ZContext())',
    '      using (var responder = new ZSocket(context, ZSocketType.REP)) {',
    '        responder.Bind("tcp://*:5555");',
    '      }',
    '    }',
    '    public static void HWClient(string[] args) {',
    '      using (var requester = new ZSocket(ZSocketType.REQ)) { requester.Connect("tcp://127.0.0.1:5555"); }',
    '      var pub = ZSocket.Create(context, ZSocketType.PUB); pub.Bind("tcp://*:5556");',
    '    }',
    '  }',
    '}',
  ].join('\n');
  assert.deepEqual(scan('Examples/HWServer.cs', text).uses, [
    'bind REP tcp://*:5555',
    'connect REQ tcp://127.0.0.1:5555',
    'bind PUB tcp://*:5556',
  ]);
});

test('goczmq: NewPub binds and NewSub connects by default, @/> override, NewSock(goczmq.X) with Bind, channelers', () => {
  const text = [
    'package main',
    '',
    'import (',
    '\t"log"',
    '',
    '\t"github.com/zeromq/goczmq"',
    ')',
    '',
    'func main() {',
    '\tpub, err := goczmq.NewPub("tcp://*:5556")',
    '\tsub, err := goczmq.NewSub("tcp://127.0.0.1:5556", "weather")',
    '\tpush, _ := goczmq.NewPush("@tcp://*:5557")',
    '\tpull, _ := goczmq.NewPull(">tcp://127.0.0.1:5557")',
    '\tdealer := goczmq.NewSock(goczmq.Dealer)',
    '\t_, err = dealer.Bind("tcp://*:5558")',
    '\trouter := goczmq.NewRouterChanneler("tcp://*:5559")',
    '\trep, _ := goczmq.NewRep("@tcp://*:5560,@ipc:///tmp/rep")',
    '\tlog.Println(pub, sub, push, pull, router, rep, err)',
    '}',
  ].join('\n');
  assert.deepEqual(scan('cmd/weather/main.go', text), {
    sockets: ['PUB pub 10', 'SUB sub 11', 'PUSH push 12', 'PULL pull 13', 'DEALER dealer 14', 'ROUTER router 16', 'REP rep 17'],
    uses: [
      'bind PUB tcp://*:5556',
      'connect SUB tcp://127.0.0.1:5556',
      'bind PUSH tcp://*:5557',
      'connect PULL tcp://127.0.0.1:5557',
      'bind DEALER tcp://*:5558',
      'bind ROUTER tcp://*:5559',
      'bind REP tcp://*:5560',
      'bind REP ipc:///tmp/rep',
    ],
  });
  // An alias for the package works the same; go-zeromq/zmq4's NewPub takes a context, not endpoints.
  const aliased =
    'package main\nimport (czmq "github.com/zeromq/goczmq"; "github.com/go-zeromq/zmq4")\nfunc main() ' +
    '{\n\tr := czmq.NewReq("tcp://broker:5561")\n\tp := zmq4.NewPub(ctx)\n\tp.Listen("tcp://*:5562")\n}\n';
  assert.deepEqual(scan('cmd/x/main.go', aliased).uses, ['connect REQ tcp://broker:5561', 'bind PUB tcp://*:5562']);
});

test('zmqpp: socket_type names and their aliases, a type held in a variable, new zmqpp::socket', () => {
  const text = [
    '#include <zmqpp/zmqpp.hpp>',
    'int main(int argc, char *argv[]) {',
    '  const std::string endpoint = "tcp://*:4242";',
    '  zmqpp::context context;',
    '  zmqpp::socket_type type = zmqpp::socket_type::reply;',
    '  zmqpp::socket socket (context, type);',
    '  socket.bind(endpoint);',
    '  zmqpp::socket publisher(context, zmqpp::socket_type::publish);',
    '  publisher.bind("tcp://*:4243");',
    '  zmqpp::socket sub{context, zmqpp::socket_type::sub};',
    '  sub.connect("tcp://localhost:4243");',
    '  auto *req = new zmqpp::socket(context, zmqpp::socket_type::request);',
    '  req->connect("tcp://localhost:4242");',
    '  zmqpp::socket xr(context, zmqpp::socket_type::xreply);',
    '}',
  ].join('\n');
  assert.deepEqual(scan('src/server.cpp', text), {
    sockets: ['REP socket 6', 'PUB publisher 8', 'SUB sub 10', 'REQ req 12', 'ROUTER xr 14'],
    uses: ['bind REP tcp://*:4242', 'bind PUB tcp://*:4243', 'connect SUB tcp://localhost:4243', 'connect REQ tcp://localhost:4242'],
  });
});

test('cppzmq: sockets created in constructor initialiser lists (parentheses and braces), make_unique, new', () => {
  const text = [
    '#include <zmq.hpp>',
    'class Broker {',
    ' public:',
    '  Broker() : ctx_(1), frontend_(ctx_, ZMQ_ROUTER), backend_{ctx_, zmq::socket_type::dealer} {',
    '    frontend_.bind("tcp://*:5570");',
    '    this->backend_.bind("inproc://backend");',
    '  }',
    ' private:',
    '  zmq::context_t ctx_;',
    '  zmq::socket_t frontend_;',
    '  zmq::socket_t backend_;',
    '};',
    'Worker::Worker(zmq::context_t &ctx, int id) : id_(id), sock_(ctx, zmq::socket_type::rep) { sock_.connect("inproc://backend"); }',
    'void f(zmq::context_t &ctx) {',
    '  auto pub = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::pub); pub->bind("tcp://*:5571");',
    '  zmq::socket_t *sub = new zmq::socket_t(ctx, ZMQ_SUB); sub->connect("tcp://localhost:5571");',
    '  call(a, b(c, d));',
    '}',
  ].join('\n');
  assert.deepEqual(scan('src/broker.cpp', text), {
    sockets: ['ROUTER frontend_ 4', 'DEALER backend_ 4', 'REP sock_ 13', 'PUB pub 15', 'SUB sub 16'],
    uses: [
      'bind ROUTER tcp://*:5570',
      'bind DEALER inproc://backend',
      'connect REP inproc://backend',
      'bind PUB tcp://*:5571',
      'connect SUB tcp://localhost:5571',
    ],
  });
});

test('zeromq.js: classes with or without parentheses, options objects, v5 zmq.socket', () => {
  const text = [
    'const zmq = require("zeromq")',
    'async function run() {',
    '  const sock = new zmq.Publisher',
    '  await sock.bind("tcp://127.0.0.1:3000")',
    '  const sub = new zmq.Subscriber;',
    '  sub.connect("tcp://127.0.0.1:3000")',
    '  const pull = new zmq.Pull({ linger: 0 })',
    '  pull.connect("tcp://127.0.0.1:3001")',
    '  const v5 = zmq.socket("push"); v5.bindSync("tcp://*:3001")',
    '}',
    'run()',
  ].join('\n');
  assert.deepEqual(scan('producer.js', text), {
    sockets: ['PUB sock 3', 'SUB sub 5', 'PULL pull 7', 'PUSH v5 9'],
    uses: [
      'bind PUB tcp://127.0.0.1:3000',
      'connect SUB tcp://127.0.0.1:3000',
      'connect PULL tcp://127.0.0.1:3001',
      'bind PUSH tcp://*:3001',
    ],
  });
});

test('NetMQ 3 factories, the pure-Rust zeromq crate, JeroMQ ZMQ.context, random-port binds (ephemeral)', () => {
  const netmq3 =
    'using NetMQ;\nclass S { static void Main() {\n using (var context = NetMQContext.Create())\n using (var server = ' +
    'context.CreateResponseSocket()) { server.Bind("tcp://*:5555"); var port = server.BindRandomPort("tcp://*"); } } }';
  assert.deepEqual(scan('S.cs', netmq3).uses, ['bind REP tcp://*:5555', 'bind REP tcp://*:*']);
  const rust =
    'use zeromq::Socket;\n#[tokio::main]\nasync fn main() {\n    let mut socket = ' +
    'zeromq::RepSocket::new();\n    socket.bind("tcp://127.0.0.1:5555").await.unwrap();\n}\n';
  assert.deepEqual(scan('src/main.rs', rust).uses, ['bind REP tcp://127.0.0.1:5555']);
  const java =
    'import org.zeromq.ZMQ;\npublic class hwclient { public static void main(String[] args) {\n ZMQ.Context context = ZMQ.context(1);\n ZMQ.Socket ' +
    'requester = context.socket(ZMQ.REQ);\n requester.connect("tcp://localhost:5555");\n int port = requester.bindToRandomPort("tcp://*"); } }';
  assert.deepEqual(scan('hwclient.java', java).uses, ['connect REQ tcp://localhost:5555', 'bind REQ tcp://*:*']);
  const python = 'import zmq\nctx = zmq.Context.instance()\ns = ctx.socket(zmq.ROUTER)\nport = s.bind_to_random_port("tcp://127.0.0.1")\n';
  assert.deepEqual(scan('r.py', python).uses, ['bind ROUTER tcp://127.0.0.1:*']);
});

test("an application object's connect(host, port) is not a ZeroMQ endpoint; a single full ZeroMQ address is", () => {
  const text = [
    'import zmq',
    'app.connect("tcp://localhost", 5556)',
    'db.connect("localhost", 5432)',
    'client.connect("tcp://localhost")',
    'bus.connect("tcp://localhost:5557")',
    'mqtt.connect(broker_url)',
  ].join('\n');
  assert.deepEqual(scan('app.py', text).uses, ['connect - tcp://localhost:5557']);
});
