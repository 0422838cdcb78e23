"""The durable job system: `queue.enqueue` in the caller's transaction, handlers declared with
`registry.handler`, run by `emicronora worker` processes (worker.py); /organiser/jobs lists them."""
