import nock from 'nock';

/**
 * The jest hooks of a test file whose HTTP goes only to nock: no real network while it runs, every interceptor
 * cleared after each test, nock's interception undone at the end (other files in the same worker may need
 * real sockets).
 */
export function useNockOffline(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}
