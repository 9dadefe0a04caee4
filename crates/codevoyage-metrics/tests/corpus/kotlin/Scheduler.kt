package tiny.jobs

import java.time.Duration
import java.time.Instant

/** A job with a retry policy. */
data class Job(val id: String, val maxRetries: Int = 3, val timeout: Duration? = null)

enum class State { PENDING, RUNNING, DONE, FAILED }

class Scheduler(private val clock: () -> Instant = Instant::now) {
    private val states = mutableMapOf<String, State>()
    private val attempts = mutableMapOf<String, Int>()

    fun submit(job: Job): Boolean {
        if (states.containsKey(job.id)) {
            return false
        }
        states[job.id] = State.PENDING
        return true
    }

    fun next(): String? {
        for ((id, state) in states) {
            if (state == State.PENDING && (attempts[id] ?: 0) < 5) {
                states[id] = State.RUNNING
                return id
            }
        }
        return null
    }

    fun finish(job: Job, ok: Boolean) {
        val tries = (attempts[job.id] ?: 0) + 1
        attempts[job.id] = tries
        states[job.id] = if (ok) {
            State.DONE
        } else if (tries < job.maxRetries) {
            State.PENDING
        } else {
            State.FAILED
        }
    }

    fun label(state: State): String = when (state) {
        State.PENDING -> "waiting"
        State.RUNNING -> "running"
        State.DONE, State.FAILED -> "finished"
    }

    fun drain(limit: Int): Int {
        var done = 0
        while (done < limit) {
            val id = next() ?: break
            try {
                states[id] = State.DONE
                done++
            } catch (e: IllegalStateException) {
                states[id] = State.FAILED
            }
        }
        return done
    }

    fun expired(job: Job, started: Instant): Boolean {
        val timeout = job.timeout ?: return false
        return Duration.between(started, clock()) > timeout && states[job.id] == State.RUNNING
    }
}
