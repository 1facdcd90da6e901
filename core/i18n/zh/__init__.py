"""The Simplified Chinese catalogue: the English message → its translation, by area of the app.

Each module holds the messages of one area (``MESSAGES: dict[str, str]``); this one joins
them. Words of the notes the app grew from are used where they fit: 正向传播 (forward pass),
反向传播 (backpropagation), 推导 (derivation), 系数 (coef).

Terms used throughout (keep them consistent):
forward 正向 · backward 反向 · update 更新 · iteration 迭代 · epoch 轮 · weight 权重 · bias 偏置 ·
layer 层 · learning rate 学习率 · gradient 梯度 · loss 损失 · sample 样本 · batch 批 ·
scenario 场景 · derivation 推导 · heatmap 热力图 · quiz 测验 · slip 失误 · expected value 期望值 ·
save 保存 · open 打开 · export 导出 · undo 撤销 · decimals 小数位 · hand-rounding 手算舍入 ·
optimizer 优化器 · exercise 练习 · student 学生 · teacher 教师 · key (answers) 答案 · grade 评分
"""

from __future__ import annotations

from core.i18n.zh import cli, explain, learn, screens, shell, teacher

AREAS = {"shell": shell.MESSAGES, "screens": screens.MESSAGES, "cli": cli.MESSAGES,
         "explain": explain.MESSAGES, "learn": learn.MESSAGES, "teacher": teacher.MESSAGES}

MESSAGES: dict[str, str] = {}
for _area in AREAS.values():
    MESSAGES.update(_area)
