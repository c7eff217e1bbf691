/**
 * What the Train panel shows, as a function of what the user clicked and what the worker said.
 * The worker is the authority: 'paused' is shown only once the worker holds, and 'idle' only once it
 * says the run is done. In between, 'pausing' and 'stopping' show a click that is on its way, with the
 * buttons that could contradict it disabled, so no click can leave the page waiting for an answer
 * that will never come: 'done' (or an error) from the worker ends every state in 'idle'.
 */
export type RunState = 'idle' | 'loading' | 'training' | 'pausing' | 'paused' | 'stopping';

export type RunEvent =
  | 'train-click' | 'pause-click' | 'resume-click' | 'stop-click'
  | 'data' | 'held' | 'released' | 'done' | 'error';

/** The state after `event`, and the message to send the worker (if any). */
export function nextRunState(state: RunState, event: RunEvent): { state: RunState; send?: 'train' | 'pause' | 'resume' | 'stop' } {
  switch (event) {
    case 'train-click':
      return state === 'idle' ? { state: 'loading', send: 'train' } : { state };
    case 'pause-click':
      return state === 'loading' || state === 'training' ? { state: 'pausing', send: 'pause' } : { state };
    case 'resume-click':
      return state === 'paused' ? { state: 'training', send: 'resume' } : { state };
    case 'stop-click':
      return state === 'idle' || state === 'stopping' ? { state } : { state: 'stopping', send: 'stop' };
    case 'data':
      return { state: state === 'loading' ? 'training' : state };
    case 'held':
      return { state: state === 'pausing' || state === 'training' ? 'paused' : state };
    case 'released':
      return { state: state === 'paused' ? 'training' : state };
    case 'done':
    case 'error':
      return { state: 'idle' };
  }
}

/** Which buttons work in a state, and what the pause button says. */
export function runButtons(state: RunState): { train: boolean; pause: boolean; stop: boolean; pauseLabel: 'pause' | 'resume' } {
  return {
    train: state === 'idle',
    pause: state === 'loading' || state === 'training' || state === 'paused',
    stop: state !== 'idle' && state !== 'stopping',
    pauseLabel: state === 'paused' ? 'resume' : 'pause',
  };
}
