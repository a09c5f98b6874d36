package io.culvert.robo

import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.Request
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import kotlin.system.exitProcess

/**
 * Runs the Robolectric classes in this JVM at one API level (`-Drobolectric.enabledSdks=N`,
 * given again as the first argument for the report): one line per case naming the level
 * (`ok   sdk=24 WifiRoboTest.method`) and `robolectric: P passed, F failed`.
 */
fun main(args: Array<String>) {
    val sdk = args[0]
    var passed = 0
    var failed = 0
    var skipped = 0
    val problems = mutableSetOf<Description>()
    fun name(d: Description) = "sdk=$sdk ${d.testClass?.simpleName ?: d.className}.${d.methodName?.substringBefore('[')}"
    val core = JUnitCore()
    core.addListener(object : RunListener() {
        override fun testFailure(failure: Failure) {
            problems += failure.description
            failed++
            println("FAIL ${name(failure.description)}")
            println(failure.trace.lines().take(25).joinToString("\n") { "    $it" })
        }

        override fun testAssumptionFailure(failure: Failure) {
            problems += failure.description
            skipped++
            println("SKIP ${name(failure.description)}: ${failure.message}")
        }

        override fun testFinished(description: Description) {
            if (description !in problems) {
                passed++
                println("ok   ${name(description)}")
            }
        }
    })
    for (cls in args.drop(1)) core.run(Request.aClass(Class.forName(cls)))
    println("robolectric: $passed passed, $failed failed" + if (skipped > 0) ", $skipped skipped" else "")
    System.out.flush()
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}
