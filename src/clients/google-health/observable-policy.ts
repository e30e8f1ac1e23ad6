import {
  EventEmitter,
  type IDefaultPolicyContext,
  type IFailureEvent,
  type IPolicy,
  type ISuccessEvent,
} from 'cockatiel';

/** The events every cockatiel policy offers, for the client's own policies: so `wrap` composes them. */
export abstract class ObservablePolicy implements IPolicy {
  declare readonly _altReturn: never;
  protected readonly successEmitter = new EventEmitter<ISuccessEvent>();
  protected readonly failureEmitter = new EventEmitter<IFailureEvent>();
  readonly onSuccess = this.successEmitter.addListener;
  readonly onFailure = this.failureEmitter.addListener;

  abstract execute<T>(
    fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T,
    signal?: AbortSignal,
  ): Promise<T>;
}

/** The signal of a call nobody can cancel. */
export const neverAborted = new AbortController().signal;
