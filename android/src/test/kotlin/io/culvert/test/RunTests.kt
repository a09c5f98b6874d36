package io.culvert.test

import java.io.File
import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.Request
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import kotlin.system.exitProcess

/**
 * Runs the JUnit 4 test classes of `make test-kotlin` and prints one line per test
 * case and the closing `N passed, M failed[, K skipped]` line.
 *
 * Arguments: the compiled classes directory (every `*Test.class` in it runs), or
 * `--class NAME` for one class, optionally `--exclude NAME` to skip a class.
 */
fun main(args: Array<String>) {
    val classes = mutableListOf<String>()
    val excluded = mutableSetOf<String>()
    var i = 0
    while (i < args.size) {
        when (args[i]) {
            "--class" -> { classes += args[i + 1]; i += 2 }
            "--exclude" -> { excluded += args[i + 1]; i += 2 }
            else -> {
                val root = File(args[i])
                root.walkTopDown()
                    .filter { it.isFile && it.name.endsWith("Test.class") && !it.name.contains('$') }
                    .map { it.relativeTo(root).path.removeSuffix(".class").replace(File.separatorChar, '.') }
                    .sorted()
                    .forEach { classes += it }
                i += 1
            }
        }
    }
    val listener = CountingListener()
    val core = JUnitCore()
    core.addListener(listener)
    for (name in classes.filterNot { it in excluded }) {
        core.run(Request.aClass(Class.forName(name)))
    }
    val summary = if (listener.skipped > 0) {
        "${listener.passed} passed, ${listener.failed} failed, ${listener.skipped} skipped"
    } else {
        "${listener.passed} passed, ${listener.failed} failed"
    }
    println("junit: $summary")
    System.out.flush()
    // Exit without waiting for non-daemon threads a failing test may have left behind.
    exitProcess(if (listener.failed == 0 && listener.passed > 0) 0 else 1)
}

/** Counts test cases: each is passed, failed or skipped (assumption failure or `@Ignore`). */
private class CountingListener : RunListener() {
    var passed = 0
    var failed = 0
    var skipped = 0
    private val problems = mutableSetOf<Description>()

    override fun testFailure(failure: Failure) {
        problems += failure.description
        failed += 1
        println("FAIL ${name(failure.description)}")
        println(failure.trace.lines().take(30).joinToString("\n") { "    $it" })
    }

    override fun testAssumptionFailure(failure: Failure) {
        problems += failure.description
        skipped += 1
        println("SKIP ${name(failure.description)}: ${failure.message}")
    }

    override fun testIgnored(description: Description) {
        skipped += 1
        println("SKIP ${name(description)}: @Ignore")
    }

    override fun testFinished(description: Description) {
        if (description !in problems) {
            passed += 1
            println("ok   ${name(description)}")
        }
    }

    private fun name(d: Description) = "${d.testClass?.simpleName ?: d.className}.${d.methodName}"
}
