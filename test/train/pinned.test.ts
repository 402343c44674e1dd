import { describe, expect, it } from 'vitest'
import * as data from '../../src/data/index.js'
import * as losses from '../../src/losses/index.js'
import * as metrics from '../../src/metrics/index.js'
import * as nn from '../../src/nn/index.js'
import * as optim from '../../src/optim/index.js'
import * as random from '../../src/random/index.js'
import * as train from '../../src/train/index.js'
import * as tree from '../../src/tree/index.js'

// Whole fits pinned bit for bit: every epoch's history entry and the final weights, recorded with
// main at 099c275 (before fit's epochs shuffled into reused buffers and its steps reused their item
// and key), compiled and interpreted alike. They pin the keys, the shuffles, the batches (an
// epoch's smaller last batch included), dropout's masks, the metrics, validation and early stopping
// with restoreBest. Do not update them to make a test pass: a change here is a change of results.

const rows = (n: number): number[] => Array.from({ length: n }, (_, i) => i)
const xorModel = nn.sequential(nn.dense(3), nn.relu, nn.dense(1), nn.sigmoid)
const pimaModel = nn.sequential(nn.dense(4), nn.relu, nn.dropout(0.25), nn.dense(1), nn.sigmoid)

const fits = {
  xor: (jit: boolean) => train.fit(xorModel, data.gates.xor, { loss: losses.mse, optimizer: optim.adam({ learningRate: 0.05 }), epochs: 20, batchSize: 3, key: random.key(11), jit }),
  xorFull: (jit: boolean) =>
    train.fit(xorModel, data.gates.xor, { loss: losses.mse, optimizer: optim.adam({ learningRate: 0.05 }), epochs: 10, batchSize: 4, shuffle: false, key: random.key(12), jit }),
  pima: (jit: boolean) =>
    train.fit(pimaModel, data.take(data.pima(), rows(30)), {
      loss: losses.binaryCrossEntropy,
      optimizer: optim.adam({ learningRate: 0.01 }),
      epochs: 6,
      batchSize: 8,
      key: random.key(5),
      jit,
      metrics: [metrics.binaryAccuracy()],
      validationSplit: 0.2,
      earlyStopping: { monitor: 'loss', patience: 2, restoreBest: true },
    }),
}

const golden = {
  xor: {
    history: [{"epoch":1,"loss":0.2602228085462658,"metrics":{}},{"epoch":2,"loss":0.245603968353014,"metrics":{}},{"epoch":3,"loss":0.24059875976240763,"metrics":{}},{"epoch":4,"loss":0.2339537257173681,"metrics":{}},{"epoch":5,"loss":0.2289454907710824,"metrics":{}},{"epoch":6,"loss":0.22353309043453984,"metrics":{}},{"epoch":7,"loss":0.2183312519177423,"metrics":{}},{"epoch":8,"loss":0.21191849606792768,"metrics":{}},{"epoch":9,"loss":0.20822078942897895,"metrics":{}},{"epoch":10,"loss":0.20436198434133082,"metrics":{}},{"epoch":11,"loss":0.19979477180910707,"metrics":{}},{"epoch":12,"loss":0.19520031428897963,"metrics":{}},{"epoch":13,"loss":0.19254349707233948,"metrics":{}},{"epoch":14,"loss":0.18988250116481453,"metrics":{}},{"epoch":15,"loss":0.1848308867688105,"metrics":{}},{"epoch":16,"loss":0.18176438657565697,"metrics":{}},{"epoch":17,"loss":0.17835042313919547,"metrics":{}},{"epoch":18,"loss":0.175485251995342,"metrics":{}},{"epoch":19,"loss":0.17235113370771138,"metrics":{}},{"epoch":20,"loss":0.17026278402202424,"metrics":{}}],
    params: [[0.7879103864956845,1.2572689084300788,-0.4830938139600257,0.6583984050558269,-1.2469871319934773,-0.2881104638564015],[-0.7393492344132184,-0.02534109346764025,-0.2949689017275129],[-0.49668373041974917,1.5517287625769662,-0.3233898763391857],[-0.11297624840142509]],
    stoppedEarly: false,
  },
  xorFull: {
    history: [{"epoch":1,"loss":0.29315113172532015,"metrics":{}},{"epoch":2,"loss":0.2833035082037285,"metrics":{}},{"epoch":3,"loss":0.2753581291967145,"metrics":{}},{"epoch":4,"loss":0.2675221016640369,"metrics":{}},{"epoch":5,"loss":0.25923157108450184,"metrics":{}},{"epoch":6,"loss":0.2507421693164542,"metrics":{}},{"epoch":7,"loss":0.24253574631453523,"metrics":{}},{"epoch":8,"loss":0.23986037621313747,"metrics":{}},{"epoch":9,"loss":0.23899720052072093,"metrics":{}},{"epoch":10,"loss":0.2371710772262761,"metrics":{}}],
    params: [[-0.8483968124138278,-0.37093528270601794,-0.7398911471814953,-0.10969399727087525,0.3327230026822854,0.16630279150609692],[0,-0.026275756727398604,-0.45309948192733907],[0.10817707026979662,0.8711528498737078,-0.6190498569089297],[-0.11527146810693406]],
    stoppedEarly: false,
  },
  pima: {
    history: [{"epoch":1,"loss":9.938661674635584,"metrics":{"binaryAccuracy":0.5},"validation":{"loss":9.233739867255716,"metrics":{"binaryAccuracy":0.6666666666666666}}},{"epoch":2,"loss":9.573686805854251,"metrics":{"binaryAccuracy":0.375},"validation":{"loss":6.094502409260591,"metrics":{"binaryAccuracy":0.6666666666666666}}},{"epoch":3,"loss":3.3295413673448047,"metrics":{"binaryAccuracy":0.5},"validation":{"loss":3.478913697979968,"metrics":{"binaryAccuracy":0.6666666666666666}}},{"epoch":4,"loss":5.7385602439862,"metrics":{"binaryAccuracy":0.5},"validation":{"loss":2.1234712863320326,"metrics":{"binaryAccuracy":0.3333333333333333}}},{"epoch":5,"loss":5.708677705683584,"metrics":{"binaryAccuracy":0.5},"validation":{"loss":2.679874700751977,"metrics":{"binaryAccuracy":0.3333333333333333}}},{"epoch":6,"loss":8.494371096920373,"metrics":{"binaryAccuracy":0.375},"validation":{"loss":2.3233357246222934,"metrics":{"binaryAccuracy":0.3333333333333333}}}],
    params: [[-0.1615570202996407,-0.25677476394866633,0.2941433824343399,0.50536918843509,-0.5840271093077913,0.14360880526260275,0.33378973406721324,-0.1720784820108216,-0.21543414452466536,0.12657535133950554,0.5692467637184133,0.14021378833687978,-0.38660980541839596,-0.6866481018480584,0.5320077443837923,0.4910516003270033,-0.019637403721876723,-0.36717537910888837,-0.6026681840114967,-0.12361650154769543,0.48995873368616205,0.3970989487963858,-0.4896138750973823,-0.566252113710047,-0.1559418101283495,-0.5325869725027818,-0.5623584197580355,-0.34948178443370764,-0.6449469340928975,-0.12432732675568849,-0.16394858438948365,-0.013180311781577412],[0,0.07151576034435474,-0.08220384589424594,-0.028724698713882117],[0.8099252092463152,-0.6961848651780084,0.49215214347019426,0.651214594333058],[-0.07136437017320302]],
    stoppedEarly: true,
    bestEpoch: 3,
  },
}

describe('fit, pinned', () => {
  for (const name of ['xor', 'xorFull', 'pima'] as const) {
    for (const jit of [true, false]) {
      it(`${name} (${jit ? 'compiled' : 'interpreted'}): the recorded history and weights, bit for bit`, () => {
        const result = fits[name](jit)
        expect(result.history).toEqual(golden[name].history)
        expect(tree.flatten(result.params).leaves.map((t) => Array.from(t.data))).toEqual(golden[name].params)
        expect(result.stoppedEarly).toBe(golden[name].stoppedEarly)
        expect(result.bestEpoch).toBe('bestEpoch' in golden[name] ? golden[name].bestEpoch : undefined)
      })
    }
  }
})
