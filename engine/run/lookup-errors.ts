// A lookup failure that ansible-core wraps naming the Python exception class it came from.
export class PyClassError extends Error {
  constructor(
    message: string,
    readonly pyClass: string,
  ) {
    super(message);
  }
}

// The two lookup failures ansible-core's templar passes on unwrapped: an AnsibleLookupError
// (LookupFailure; errors='ignore'|'warn' still turn it into no result) and an AnsibleOptionsError.
export class LookupFailure extends Error {}
export class LookupOptionsError extends Error {}
