"""Runnability case for Dopamine (no tests ship with the package): an agent acts and trains
for a few hundred steps on random observations, written as a TF1-era user script (it is
migrated together with the package). Atari is not needed, but the package imports `atari_py`.

    python dopamine_agent.py dqn|rainbow|iqn
"""
import sys

import numpy as np
import tensorflow as tf

from dopamine.agents.dqn import dqn_agent
from dopamine.agents.implicit_quantile import implicit_quantile_agent
from dopamine.agents.rainbow import rainbow_agent
from dopamine.discrete_domains import gym_lib

kind = sys.argv[1]
rng = np.random.RandomState(0)
common = dict(min_replay_history=32, update_period=1, target_update_period=16, epsilon_decay_period=50)
with tf.Session() as sess:
    if kind == "iqn":
        # the Atari network on 84x84 frames
        agent = implicit_quantile_agent.ImplicitQuantileAgent(sess, num_actions=3, num_tau_samples=8,
                                                              num_tau_prime_samples=8, num_quantile_samples=8, **common)
        shape, dtype, steps = (84, 84), np.uint8, 60
    else:
        cls = dqn_agent.DQNAgent if kind == "dqn" else rainbow_agent.RainbowAgent
        net = gym_lib.cartpole_dqn_network if kind == "dqn" else gym_lib.cartpole_rainbow_network
        agent = cls(sess, num_actions=2, observation_shape=(4, 1), observation_dtype=tf.float64,
                    stack_size=1, network=net, **common)
        shape, dtype, steps = (4, 1), np.float64, 300
    sess.run(tf.global_variables_initializer())

    def obs():
        return (rng.rand(*shape) * 255).astype(dtype) if dtype == np.uint8 else rng.randn(*shape)

    action = agent.begin_episode(obs())
    for t in range(steps):
        action = agent.step(float(rng.rand()), obs())
        assert 0 <= action < agent.num_actions
        if t % 50 == 49:
            agent.end_episode(1.0)
            agent.begin_episode(obs())
    assert agent.training_steps > 32, agent.training_steps
    print("ok", kind, agent.training_steps)
