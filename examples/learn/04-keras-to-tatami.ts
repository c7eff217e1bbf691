// Chapter 4: the classic model, from Keras to tatami, line by line.
// Each tatami line below sits under the Keras line it replaces. The tutorial's recipe (4×4 kernel,
// batch 1, no shuffling) on a small slice of MNIST, so it runs in seconds: 1,000 training digits,
// one epoch, then 500 held-out digits.
//
// Run: npx tsx examples/learn/04-keras-to-tatami.ts

import { input, Conv2D, MaxPool2D, Flatten, Dense, Model, loadMnist } from '../../src/index.js';

// (x_train, y_train), (x_test, y_test) = mnist.load_data()  … then reshape, / 255, to_categorical
const { train, test } = await loadMnist({ train: 1000, test: 500, seed: 1 });
console.log(`x_train ${JSON.stringify(train.images.shape)}, y_train ${JSON.stringify(train.labels.shape)} (one-hot)`);

// inputs = Input(shape=(28, 28, 1))
const inputs = input({ shape: [28, 28, 1] });
// x = Conv2D(128, kernel_size=(4, 4), activation='relu')(inputs)
let x = new Conv2D({ filters: 128, kernelSize: [4, 4], activation: 'relu' }).apply(inputs);
// x = MaxPool2D(pool_size=(2, 2))(x)
x = new MaxPool2D({ poolSize: [2, 2] }).apply(x);
// x = Flatten()(x)
x = new Flatten().apply(x);
// outputs = Dense(10, activation='softmax')(x)
const outputs = new Dense({ units: 10, activation: 'softmax' }).apply(x);
// model = Model(inputs=[inputs], outputs=[outputs])
const model = new Model({ inputs: [inputs], outputs: [outputs] });
// model.summary()
model.summary();

// model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
model.compile({ loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
// model.fit(x_train, y_train, batch_size=1, verbose=1, epochs=1, shuffle=False)
// (seed: the initial weights come from it, so every run prints the same numbers)
await model.fit(train.images, train.labels, { batchSize: 1, verbose: 1, epochs: 1, shuffle: false, seed: 1 });

// score = model.evaluate(x_test, y_test)
const score = model.evaluate(test.images, test.labels);
console.log(`Test loss: ${score.loss.toFixed(4)} - test accuracy: ${score.accuracy.toFixed(4)}`);

// model.predict(x_test[:1]) → ten probabilities that add up to 1
const first = model.predict(test.images).data.subarray(0, 10);
const guess = first.indexOf(Math.max(...first));
console.log(`first test digit: label ${test.classes[0]}, predicted ${guess} with probability ${first[guess].toFixed(3)}`);
