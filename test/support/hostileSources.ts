// Source files built to make a naive scanner slow or big (issue 12's list), each as a user could have it
// in a workspace: the text is what a file on disk would hold. Generated rather than committed: some are
// hundreds of kilobytes of brackets.

export interface HostileSource {
  name: string;
  /** File name (the extension picks the language). */
  file: string;
  text: string;
  /** What a naive scanner does with it. */
  attack: string;
}

export function hostileSources(): HostileSource[] {
  const chain = ['import zmq', 'a0 = "tcp://*:5555/"'];
  for (let i = 1; i <= 26; i++) chain.push(`a${i} = a${i - 1} + a${i - 1}`);
  chain.push('s = zmq.Context().socket(zmq.PUB)', 's.bind(a26)');
  return [
    {
      name: 'Go printf width of 300,000,000',
      file: 'printf_width.go',
      text:
        'package main\n\nimport (\n\t"fmt"\n\tzmq "github.com/pebbe/zmq4"\n)\n\nfunc main() {\n\tn := 5\n\ts, _ := ' +
        'zmq.NewSocket(zmq.PUB)\n\ts.Bind(fmt.Sprintf("tcp://*:%300000000d", n))\n\ts.Bind(fmt.Sprintf("tcp://*:%300000000d", 5555))\n}\n',
      attack: 'a padded string of 300 MB',
    },
    {
      name: 'Python doubling chain a1 = a0 + a0 ... a26',
      file: 'doubling_chain.py',
      text: chain.join('\n') + '\n',
      attack: '2^26 evaluations without a memo, a 1 GB string without a cap',
    },
    {
      name: '60,000 ( then 60,000 ]',
      file: 'bracket_bomb.py',
      text: 'import zmq\ns = zmq.Context().socket(zmq.SUB)\ns.connect(' + '('.repeat(60_000) + ']'.repeat(60_000) + ')\n',
      attack: 'quadratic bracket matching (each ] searches the whole stack)',
    },
    {
      name: 'a long line of (/[ in JavaScript',
      file: 'regex_line.js',
      text: 'const zmq = require("zeromq")\nconst x = ' + '(/['.repeat(50_000) + '\n',
      attack: 'quadratic regex-literal scanning (each / rescans to the end of the line)',
    },
    {
      name: 'C++ R" without (',
      file: 'raw_strings.cpp',
      text: '#include <zmq.hpp>\n' + 'auto s = R"abc'.repeat(20_000) + '\n',
      attack: 'quadratic raw-string delimiter search (each R" looks for ( to the end of the file)',
    },
    {
      name: 'nested f-strings',
      file: 'nested_fstrings.py',
      text: 'import zmq\nx = ' + 'f"{'.repeat(5_000) + '1' + '}"'.repeat(5_000) + '\n',
      attack: 'recursion as deep as the nesting (stack overflow)',
    },
  ];
}
