"""Run one action in several threads at once, each with its own database connection."""

import threading

from django.db import connection


def race(n: int, action) -> list:
    """Call ``action(i)`` for i in 0..n-1 in ``n`` threads released together by a barrier.

    Returns each call's result or the exception it raised. Needs
    ``pytest.mark.django_db(transaction=True)``: the threads must see committed rows.
    """
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = action(i)
        except Exception as exc:  # collected and asserted by the test
            outcomes[i] = exc
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing thread did not finish"
    return outcomes
