/**
 * Forward propagation, step by step — the worked example of "Deep Learning with Python".
 *
 * Two inputs (2 and 3) feed two hidden nodes; each hidden node multiplies the inputs by its weights
 * and adds them up; the output node does the same with the hidden values. With weights [1, 1] and
 * [−1, 1] the hidden values are 5 and 1, and with output weights [2, −1] the output is 9.
 * Then the same network with a ReLU activation on the hidden layer, on other inputs.
 *
 *   npx tsx examples/forward-pass.ts
 */
import { matmul, relu, show, tensor, toArray } from '../src/index.js'

const quick = process.argv.includes('--quick') // nothing to shorten: the example is instant
void quick

// Weights as matrices: column j holds the weights into hidden node j.
const input = tensor([[2, 3]])
const hiddenWeights = tensor([
  [1, -1],
  [1, 1],
])
const outputWeights = tensor([[2], [-1]])

console.log('Linear network (no activation)')
console.log('  input           ', show(input))
const hidden = matmul(input, hiddenWeights)
console.log('  hidden = x · W1 ', show(hidden), '  (node 0: 2·1 + 3·1 = 5, node 1: 2·(−1) + 3·1 = 1)')
const output = matmul(hidden, outputWeights)
console.log('  output = h · W2 ', show(output), '  (5·2 + 1·(−1) = 9)')

// With ReLU, negative hidden sums become 0: the network is no longer a single linear map.
const reluInput = tensor([[3, 4]])
const reluHiddenSums = matmul(reluInput, tensor([[2, -1], [-1, -2]]))
const reluHidden = relu(reluHiddenSums)
const reluOutput = matmul(reluHidden, tensor([[1], [1]]))
console.log('\nReLU network on inputs 3 and 4')
console.log('  hidden sums     ', show(reluHiddenSums), '  (3·2 + 4·(−1) = 2, 3·(−1) + 4·(−2) = −11)')
console.log('  relu(hidden)    ', show(reluHidden), '  (the negative sum is cut to 0)')
console.log('  output          ', show(reluOutput))

const [hiddenValues] = toArray(hidden) as number[][]
console.log(
  JSON.stringify({
    example: 'forward-pass',
    hidden: hiddenValues,
    output: output.data[0],
    reluHidden: Array.from(reluHidden.data),
    reluOutput: reluOutput.data[0],
  }),
)
