// The parts of autocannon (which ships no types) that the benchmarks use.
declare module "autocannon" {
  namespace autocannon {
    interface Request {
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      setupRequest?: (request: Request) => Request;
    }
    interface Options {
      url?: string;
      connections?: number;
      duration?: number;
      /** Requests per second from all connections together (0: as fast as they go). */
      overallRate?: number;
      requests?: Request[];
    }
    interface Result {
      requests: { average: number; total: number };
      latency: { p50: number; p99: number };
      non2xx: number;
      /** Answers with a 2xx status. */
      "2xx": number;
      errors: number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
